#!/usr/bin/env bash
# The main job: set-up, then run notebooks/verify_stack.ipynb with papermill and export the executed
# notebook to HTML. Extra arguments go to papermill, for example:
#   bash scripts/verify-stack.sh -p mode cluster -p kubeconfig ~/.kube/config -p prometheus_url URL
# papermill's own output goes to reports/papermill.log; the script ends with the diagnosis of any
# failing target, one verdict line ("33 panels: 33 ok") and the report paths. The exit code is
# papermill's: non-zero when any dashboard panel fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p reports
rm -f reports/verify_report.json
echo "==> running notebooks/verify_stack.ipynb (papermill's output: reports/papermill.log)"
papermill notebooks/verify_stack.ipynb reports/verify_stack.ipynb -p report_dir reports "$@" \
  >reports/papermill.log 2>&1
status=$?
if [ -f reports/verify_stack.ipynb ]; then
  jupyter nbconvert --to html --log-level WARN --output verify_stack_notebook.html \
    reports/verify_stack.ipynb >>reports/papermill.log 2>&1
fi
if [ -f reports/verify_report.json ]; then
  python -m kube_devops.verify.verdict reports/verify_report.json
  echo "==> report: reports/verify_stack.html (JSON: reports/verify_report.json)"
else
  echo "error: the notebook stopped before its report; papermill's output ends with:" >&2
  tail -n 25 reports/papermill.log >&2
fi
echo "==> executed notebook: reports/verify_stack.ipynb (HTML: reports/verify_stack_notebook.html)"
echo "==> papermill's output: reports/papermill.log"
exit "$status"
