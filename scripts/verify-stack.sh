#!/usr/bin/env bash
# The main job: set-up, then run notebooks/verify_stack.ipynb with papermill. Extra arguments go
# to papermill (for example: -p mode cluster -p kubeconfig ~/.kube/config -p prometheus_url URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p reports
papermill notebooks/verify_stack.ipynb reports/verify_stack.ipynb -p report_dir reports "$@"
echo "==> executed notebook: reports/verify_stack.ipynb; report: reports/verify_stack.html, reports/verify_report.json"
