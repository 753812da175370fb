#!/usr/bin/env bash
# The main job on the embedded default target: generate a day of Eventsim-format events,
# land them, build seeds, models and tests on DuckDB, and show a few rows of wide_streams.
# Runs the built CLI, as an installed `sm` would be; brings a supported Node when the machine's is too old.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
node scripts/build.mjs   # incremental: a no-op when `pnpm install` already built
sm() { node packages/cli/dist/bin.js "$@" --project-dir project; }
sm ingest generate --users "${SM_DEMO_USERS:-300}" --start "${SM_DEMO_START:-2026-11-01}" --end "${SM_DEMO_END:-2026-11-02}" --seed 42
sm ingest load
sm build
sm show wide_streams --limit 5
