#!/usr/bin/env bash
# Creates throwaway Python venvs for the dbt baselines of the benchmark.
#   bench/.venv       dbt-core 1.x + dbt-duckdb (the Python engine)
#   bench/.venv-fusion the `dbt` 2.x package from PyPI (the Rust engine), if it installs
# Versions are pinned so that figures from different days compare like with like;
# dbt-core 1.11.16 is the newest 1.x that installs from PyPI alone: 1.12.x depends on
# dbt-core-experimental-parser, whose sdist downloads a wheel from github.com at build time.
# Safe to re-run: an existing working venv is left alone.
set -euo pipefail

DBT_CORE_VERSION="${DBT_CORE_VERSION:-1.11.16}"
DBT_DUCKDB_VERSION="${DBT_DUCKDB_VERSION:-1.11.1}"
DBT_FUSION_VERSION="${DBT_FUSION_VERSION:-2.0.9}"
PYTHON="${PYTHON:-python3}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
core_venv="$here/.venv"
fusion_venv="$here/.venv-fusion"
mkdir -p "$here/out"

if [ -x "$core_venv/bin/dbt" ] && "$core_venv/bin/dbt" --version >/dev/null 2>&1; then
  echo "dbt-core venv already present: $core_venv"
else
  "$PYTHON" -m venv "$core_venv"
  "$core_venv/bin/pip" install --quiet --upgrade pip
  "$core_venv/bin/pip" install --quiet "dbt-core==$DBT_CORE_VERSION" "dbt-duckdb==$DBT_DUCKDB_VERSION"
fi
"$core_venv/bin/dbt" --version

# The Rust engine: record the exact failure instead of pretending it ran.
fusion_log="$here/out/fusion-install.log"
if [ -x "$fusion_venv/bin/dbt" ] && "$fusion_venv/bin/dbt" --version >/dev/null 2>&1; then
  echo "dbt fusion venv already present: $fusion_venv"
else
  "$PYTHON" -m venv "$fusion_venv"
  "$fusion_venv/bin/pip" install --quiet --upgrade pip
  if ! "$fusion_venv/bin/pip" install "dbt==$DBT_FUSION_VERSION" >"$fusion_log" 2>&1; then
    echo "dbt $DBT_FUSION_VERSION did not install from PyPI; see $fusion_log:" >&2
    tail -n 20 "$fusion_log" >&2
    exit 0
  fi
fi
if ! "$fusion_venv/bin/dbt" --version >>"$fusion_log" 2>&1; then
  echo "dbt $DBT_FUSION_VERSION installed but does not run; see $fusion_log:" >&2
  tail -n 20 "$fusion_log" >&2
else
  "$fusion_venv/bin/dbt" --version
fi
