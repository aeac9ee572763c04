//go:build tools

// Package tools pins the Kubernetes commands the sandbox's real control plane runs; the module's
// replace directives map each k8s.io staging module to its published v0.37.2.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
