#!/usr/bin/env bash
# Apache Airflow in its own venv for packages/cli/test/airflow.test.ts, from PyPI only (Airflow's
# constraints files live outside the registries this project can reach, so the version is pinned
# here and pip resolves the rest). Idempotent: a venv marked complete is reused at once.
#
# Env: SM_AIRFLOW_VERSION (default below), SM_AIRFLOW_CACHE (default ~/.cache/sm-airflow),
# SM_VENV_PYTHON (the Python to make the venv with; default: the first suitable python3.x).
# Prints the venv directory on stdout.
set -euo pipefail

version="${SM_AIRFLOW_VERSION:-3.3.2}"
cache="${SM_AIRFLOW_CACHE:-$HOME/.cache/sm-airflow}"
venv="$cache/airflow-$version"

if [[ -f "$venv/.complete" ]]; then echo "$venv"; exit 0; fi

source "$(dirname "${BASH_SOURCE[0]}")/find-python.sh"
find_python install-airflow.sh 3.10 3.13 python3.11 python3.12 python3

rm -rf "$venv"
mkdir -p "$cache"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip >&2
"$venv/bin/pip" install -q --disable-pip-version-check "apache-airflow==$version" >&2
"$venv/bin/airflow" version >/dev/null
touch "$venv/.complete"
echo "$venv"
