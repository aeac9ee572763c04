"""The sandbox: emulated Kubernetes API, the three components, a real Prometheus, traffic."""
