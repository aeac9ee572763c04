#!/usr/bin/env bash
# Build the real control plane of `kube-devops sandbox --api real` once, from pinned sources:
# kube-apiserver, kube-controller-manager and kubectl from k8s.io/kubernetes v1.37.2 and etcd
# v3.7.3 (wrapper modules in control-plane/). The binaries go to a cache outside the repository,
#   ${KUBE_DEVOPS_CACHE:-~/.cache/kube-devops}/control-plane/v1.37.2/
# and a stamp file is written only when all four built; later runs reuse them (seconds).
# Needs Go 1.26 or newer. Safe to run again; `--force` rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBERNETES_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
CACHE=${KUBE_DEVOPS_CACHE:-$HOME/.cache/kube-devops}
DEST=$CACHE/control-plane/$KUBERNETES_VERSION
STAMP=$DEST/.complete
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

if ! command -v go >/dev/null 2>&1; then
  echo "error: the Go toolchain (1.26 or newer) is needed to build the real control plane and was not found on PATH." >&2
  echo "  Install it from https://go.dev/dl/ (e.g. tar -C /usr/local -xzf go1.26.*.linux-amd64.tar.gz;" >&2
  echo "  export PATH=/usr/local/go/bin:\$PATH), or with conda: conda install -c conda-forge go." >&2
  exit 1
fi
GO_MINOR=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${GO_MINOR:-0}" -lt 26 ] 2>/dev/null; then
  echo "error: $(go env GOVERSION) is too old; k8s.io/kubernetes $KUBERNETES_VERSION needs Go 1.26 or newer (https://go.dev/dl/)." >&2
  exit 1
fi

# The stamp names the versions and the exact module sums: changing a pin rebuilds.
expected_stamp() {
  echo "kubernetes $KUBERNETES_VERSION etcd $ETCD_VERSION $(go env GOVERSION)"
  sha256sum scripts/build-control-plane.sh | cut -d' ' -f1
  cat control-plane/kubernetes/go.mod control-plane/kubernetes/go.sum \
      control-plane/etcd/go.mod control-plane/etcd/go.sum | sha256sum | cut -d' ' -f1
}

if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(expected_stamp)" ]; then
  echo "==> real control plane $KUBERNETES_VERSION (etcd $ETCD_VERSION) already built in $DEST"
  exit 0
fi

mkdir -p "$DEST"
rm -f "$STAMP"
LOGS=$(mktemp -d)
BUILD_PID=
trap '[ -n "$BUILD_PID" ] && kill "$BUILD_PID" 2>/dev/null; rm -rf "$LOGS"' EXIT
trap 'exit 130' INT TERM

# What `kubectl version` and the API server's /version report (as Kubernetes' own build stamps).
version_ldflags() {
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf -- '-X %s.gitVersion=%s -X %s.gitMajor=1 -X %s.gitMinor=%s -X %s.gitTreeState=clean ' \
      "$pkg" "$KUBERNETES_VERSION" "$pkg" "$pkg" "$minor" "$pkg"
  done
}

# build NAME MODULE_DIR PACKAGE [LDFLAGS]: `go build -v` in the background, one progress line every 15 s
# (packages compiled so far), then one line with the elapsed time.
build() {
  local name=$1 module=$2 package=$3 ldflags="-s -w ${4:-}" started=$SECONDS log=$LOGS/$1.log
  echo "==> building $name (first build on a fresh machine: tens of minutes; cached later)"
  (cd "$module" && exec go build -v -trimpath -ldflags "$ldflags" -o "$DEST/$name.tmp" "$package") \
    >"$log" 2>&1 &
  BUILD_PID=$!
  local next=$((SECONDS + 15))
  while kill -0 "$BUILD_PID" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ]; then
      echo "    $name: $(grep -cv '^go: ' "$log" || true) packages compiled, $((SECONDS - started))s"
      next=$((SECONDS + 15))
    fi
  done
  if ! wait "$BUILD_PID"; then
    BUILD_PID=
    echo "error: building $name failed; the end of its log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  BUILD_PID=
  mv "$DEST/$name.tmp" "$DEST/$name"
  echo "    built $name in $((SECONDS - started))s"
}

TOTAL_STARTED=$SECONDS
K8S=k8s.io/kubernetes/cmd
build kube-apiserver control-plane/kubernetes $K8S/kube-apiserver "$(version_ldflags)"
build kube-controller-manager control-plane/kubernetes $K8S/kube-controller-manager "$(version_ldflags)"
build kubectl control-plane/kubernetes $K8S/kubectl "$(version_ldflags)"
build etcd control-plane/etcd go.etcd.io/etcd/server/v3
expected_stamp >"$STAMP"
echo "==> real control plane built in $((SECONDS - TOTAL_STARTED))s into $DEST"
