#!/usr/bin/env bash
# The Streamify dashboard on the demo's data: installs Apache Superset when missing
# (scripts/ci/install-superset.sh), builds the demo first when the project has no gold lake
# layer yet, then serves the dashboard on 127.0.0.1 until Ctrl-C.
# Env: SM_DASHBOARD_PORT (default 8088), SM_DASHBOARD_USER / SM_DASHBOARD_PASSWORD (admin / admin).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(bash scripts/ci/install-superset.sh)"
[[ -d project/target/lake/gold ]] || bash scripts/demo.sh
exec "$venv/bin/python" project/dashboard/start.py project --port "${SM_DASHBOARD_PORT:-8088}"
