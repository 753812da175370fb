#!/usr/bin/env bash
# A Python venv with duckdb and pandas for packages/cli/test/python-model.test.ts (dbt Python
# models run in a Python process of their own: run/execute-python.ts), from PyPI only.
# Idempotent: a venv marked complete is reused at once. Prints the venv directory on stdout.
set -euo pipefail

cache="${SM_PYTHON_CACHE:-$HOME/.cache/sm-python}"
venv="$cache/duckdb-pandas"

if [[ -f "$venv/.complete" ]]; then echo "$venv"; exit 0; fi

python=""
for p in python3.12 python3.11 python3.10 python3.13 python3; do
  if "$p" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] else 1)' >/dev/null 2>&1; then python="$p"; break; fi
done
[[ -n "$python" ]] || { echo "install-python-duckdb.sh: no python3 found; install Python 3.9 or later" >&2; exit 1; }

rm -rf "$venv"
mkdir -p "$cache"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "duckdb>=1.1" "pandas>=2" >&2
"$venv/bin/python" -c 'import duckdb, pandas' >&2
touch "$venv/.complete"
echo "$venv"
