#!/usr/bin/env bash
# The full test suite as CI and a newcomer run it: prerequisites, type check, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true SF_TELEMETRY_DISABLE_CONNECTION_SHAPE=1
bash scripts/ci/prepare.sh
echo "typecheck: tsc -p tsconfig.json" >&2
pnpm exec tsc -p tsconfig.json
mkdir -p target
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile=target/test-results.json "$@" || status=$?
node scripts/test-summary.ts target/test-results.json || true
exit "$status"
