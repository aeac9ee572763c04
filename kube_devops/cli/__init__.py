"""The kube-devops command line: the only place that reads flags and the environment."""
