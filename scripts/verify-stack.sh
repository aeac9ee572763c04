#!/usr/bin/env bash
# The main job: set-up, then run notebooks/verify_stack.ipynb with papermill and export the executed
# notebook to HTML. Extra arguments go to papermill, for example:
#   bash scripts/verify-stack.sh -p mode cluster -p kubeconfig ~/.kube/config -p prometheus_url URL
# The exit code is papermill's: non-zero when any dashboard panel fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p reports
papermill notebooks/verify_stack.ipynb reports/verify_stack.ipynb -p report_dir reports "$@"
status=$?
if [ -f reports/verify_stack.ipynb ]; then
  jupyter nbconvert --to html --log-level WARN --output verify_stack_notebook.html \
    reports/verify_stack.ipynb
fi
echo "==> executed notebook: reports/verify_stack.ipynb (HTML: reports/verify_stack_notebook.html)"
echo "==> report: reports/verify_report.json and reports/verify_stack.html"
exit "$status"
