"""kube-devops: Kubernetes governance and observability toolkit."""

__version__ = "0.3.0"
