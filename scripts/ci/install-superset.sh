#!/usr/bin/env bash
# Apache Superset in its own venv for the Streamify dashboard (project/dashboard, `pnpm dashboard`,
# packages/cli/test/dashboard.test.ts), from PyPI only, plus a metadata database migrated once
# that each start copies (migrating takes minutes). Idempotent: a venv marked complete is reused
# at once. Superset's release wheel leaves out a few modules it imports and accepts a
# Flask-Caching it cannot use; the pins below are those of Superset's own lock file.
#
# Env: SM_SUPERSET_VERSION (default below), SM_SUPERSET_CACHE (default ~/.cache/sm-superset),
# SM_VENV_PYTHON (the Python to make the venv with; default: the first suitable python3.x).
# Prints the venv directory on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/find-python.sh"
cd "$(dirname "$0")/../.."

version="${SM_SUPERSET_VERSION:-6.1.0}"
cache="${SM_SUPERSET_CACHE:-$HOME/.cache/sm-superset}"
venv="$cache/superset-$version"

if [[ -f "$venv/.complete" ]]; then echo "$venv"; exit 0; fi

find_python install-superset.sh 3.10 3.12 python3.11 python3.12 python3.10 python3

start=$(date +%s)
rm -rf "$venv"
mkdir -p "$cache"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip >&2
"$venv/bin/pip" install -q --disable-pip-version-check \
  "apache-superset==$version" "duckdb-engine==0.17.0" "duckdb>=1.1,<3" \
  "flask-caching==2.3.1" "rich==13.9.4" "cachetools>=5,<7" >&2

# The migrated, initialised metadata database that project/dashboard/start.py copies.
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
SM_SUPERSET_STATE="$state" SUPERSET_CONFIG_PATH="$PWD/project/dashboard/superset_config.py" FLASK_APP=superset \
  "$venv/bin/superset" db upgrade >&2
SM_SUPERSET_STATE="$state" SUPERSET_CONFIG_PATH="$PWD/project/dashboard/superset_config.py" FLASK_APP=superset \
  "$venv/bin/superset" init >&2
cp "$state/superset.db" "$venv/metadata-template.db"
touch "$venv/.complete"
echo "install-superset.sh: Superset $version ready in $(( $(date +%s) - start ))s" >&2
echo "$venv"
