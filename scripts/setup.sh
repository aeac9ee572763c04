#!/usr/bin/env bash
# Set up a fresh machine: virtual environment in .venv, the package with its dev extras, the
# Prometheus server (Debian package `prometheus`, which brings `promtool`) and chromium (the HTML
# report's browser test). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating virtual environment .venv"
  "$PYTHON" -m venv .venv
fi
# Re-install only when pyproject.toml changed since the last successful install (or never ran);
# the build's own chatter goes to .venv/install.log and is shown only when the install fails.
STAMP=.venv/kube-devops-install.sha256
WANT=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "==> installing kube-devops and its dependencies into .venv"
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'; } \
       >.venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "error: pip install failed (log above, also in .venv/install.log)" >&2
    exit 1
  fi
  echo "$WANT" >"$STAMP"
else
  echo "==> .venv is up to date with pyproject.toml"
fi

# Debian packages: the Prometheus server (brings promtool) and chromium (the HTML report's
# browser test); each installed only when missing.
missing=()
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  missing+=(prometheus)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing the Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: needed and not found on PATH: ${missing[*]} (prometheus brings promtool)." >&2
    echo "  Debian/Ubuntu: sudo apt-get install ${missing[*]}" >&2
    echo "  conda:         conda env create -f environment.yml && conda activate kube-devops" >&2
    echo "                 (brings prometheus; chromium comes from the system)" >&2
    exit 1
  fi
fi
echo "==> $(prometheus --version 2>&1 | head -n1)"
bash scripts/build-control-plane.sh  # the real control plane of `sandbox --api real` (cached)
