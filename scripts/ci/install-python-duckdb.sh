#!/usr/bin/env bash
# A Python venv with duckdb and pandas for packages/cli/test/python-model.test.ts (dbt Python
# models run in a Python process of their own: run/execute-python.ts), from PyPI only.
# Idempotent: a venv marked complete is reused at once. Prints the venv directory on stdout.
set -euo pipefail

cache="${SM_PYTHON_CACHE:-$HOME/.cache/sm-python}"
venv="$cache/duckdb-pandas"

if [[ -f "$venv/.complete" ]]; then echo "$venv"; exit 0; fi

source "$(dirname "${BASH_SOURCE[0]}")/find-python.sh"
find_python install-python-duckdb.sh 3.9 '' python3.12 python3.11 python3.10 python3.13 python3

rm -rf "$venv"
mkdir -p "$cache"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "duckdb>=1.1" "pandas>=2" >&2
"$venv/bin/python" -c 'import duckdb, pandas' >&2
touch "$venv/.complete"
echo "$venv"
