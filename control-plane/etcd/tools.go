//go:build tools

// Package tools pins the etcd server the sandbox's real control plane runs.
package tools

import _ "go.etcd.io/etcd/server/v3"
