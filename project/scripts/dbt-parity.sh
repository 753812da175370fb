#!/usr/bin/env bash
# Builds Streamify with sm and with dbt-core + dbt-duckdb on the same landed events and
# checks that every mart holds the same rows: the project must stay plain dbt.
# Usage: bash project/scripts/dbt-parity.sh /path/to/venv/bin/dbt [users] [days]
# (a venv with `pip install 'dbt-core~=1.11.0' 'dbt-duckdb~=1.11.0'`, outside the repo).
set -euo pipefail
DBT=${1:?path to a dbt executable with the duckdb adapter}
USERS=${2:-200}
DAYS=${3:-2}
PY="$(dirname "$DBT")/python"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SM="node $ROOT/packages/cli/dist/bin.js"   # the build that `pnpm install` / `pnpm build` makes

for d in sm dbt; do
  # dbt-duckdb does not create the parent folders of an external model's location.
  mkdir -p "$WORK/$d/target/lake/silver" "$WORK/$d/target/lake/gold"
  cp -r "$ROOT"/project/{macros,models,seeds,tests,profiles.yml} "$WORK/$d/"
done
cp "$ROOT/project/streamify.yml" "$WORK/sm/streamify.yml"
cp "$ROOT/project/streamify.yml" "$WORK/dbt/dbt_project.yml"

END=$(date -u -d "2026-11-01 + $DAYS days" +%F)
$SM ingest generate --project-dir "$WORK/sm" --users "$USERS" --start 2026-11-01 --end "$END" --seed 7 >/dev/null
$SM ingest load --project-dir "$WORK/sm" >/dev/null
$SM build --project-dir "$WORK/sm" | tail -1

"$PY" - "$WORK" <<'PY'
import duckdb, sys
w = sys.argv[1]
con = duckdb.connect(f"{w}/dbt/target/streamify.duckdb")
con.execute(f"attach '{w}/sm/target/streamify.duckdb' as sm (read_only)")
con.execute("create schema raw")
for t in ["listen_events", "page_view_events", "auth_events", "status_change_events", "dead_letters"]:
    con.execute(f"create table raw.{t} as select * from sm.raw.{t}")
PY
(cd "$WORK/dbt" && "$DBT" build --profiles-dir . --quiet)

"$PY" - "$WORK" <<'PY'
import duckdb, sys
w = sys.argv[1]
con = duckdb.connect(f"{w}/dbt/target/streamify.duckdb", read_only=True)
con.execute(f"attach '{w}/sm/target/streamify.duckdb' as sm (read_only)")
bad = 0
for t in ["dim_artists", "dim_songs", "dim_locations", "dim_datetime", "dim_users", "fact_streams", "wide_streams"]:
    n = con.execute(f"select count(*) from main_marts.{t}").fetchone()[0]
    a = con.execute(f"select count(*) from (from main_marts.{t} except all from sm.main_marts.{t})").fetchone()[0]
    b = con.execute(f"select count(*) from (from sm.main_marts.{t} except all from main_marts.{t})").fetchone()[0]
    bad += a + b
    print(f"{t:14} {n:>8} rows  only in dbt: {a}  only in sm: {b}")
# The lake layers: Parquet written by each tool, read back from the files.
for m in ["silver/listen_events", "silver/page_view_events", "silver/auth_events", "silver/status_change_events",
          "gold/listens_hourly", "gold/listens_by_state", "gold/song_plays_daily", "gold/artist_plays_daily",
          "gold/active_users_daily", "gold/level_changes_daily", "gold/sessions"]:
    r = lambda d: f"select * from read_parquet('{w}/{d}/target/lake/{m}/**/*.parquet', hive_partitioning = true, union_by_name = true)"
    n = con.execute(f"select count(*) from ({r('sm')})").fetchone()[0]
    a = con.execute(f"select count(*) from ({r('dbt')} except all {r('sm')})").fetchone()[0]
    b = con.execute(f"select count(*) from ({r('sm')} except all {r('dbt')})").fetchone()[0]
    bad += a + b
    print(f"{m:28} {n:>8} rows  only in dbt: {a}  only in sm: {b}")
sys.exit(1 if bad else 0)
PY
