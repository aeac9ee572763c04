#!/usr/bin/env bash
# The test command: set-up, then every quality gate and every test tier. Nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "==> ruff check";           ruff check .
echo "==> ruff format --check";  ruff format --check .
echo "==> mypy --strict";        mypy --strict kube_devops tests
echo "==> import-linter";        lint-imports
echo "==> pytest";               pytest tests
echo "==> pytest --nbval";       pytest --nbval notebooks
