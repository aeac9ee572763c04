"""The sandbox on a real control plane built from source: etcd, kube-apiserver,
kube-controller-manager (``--api real``)."""
