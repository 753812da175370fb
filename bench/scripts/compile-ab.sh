#!/usr/bin/env bash
# Cold `sm compile` of one project by two or more checkouts in turn, N rounds: wall, CPU
# (user + system) and peak RSS of each run, with the load average. target/ is moved aside
# before each run, not deleted (deleting 20,000 files just before a run makes it pay for them:
# bench/README.md, "Cold compile, 5 Dec 01:50–02:45 UTC"); the moved folders go at the end.
#   bash bench/scripts/compile-ab.sh PROJECT_DIR ROUNDS CHECKOUT...
# Each CHECKOUT is a worktree with `pnpm install` done; runs its sources (smsql-source).
set -euo pipefail
project=$1 rounds=$2
shift 2
trash=$(mktemp -d)
out=$(mktemp)
for ((i = 1; i <= rounds; i++)); do
  for tree in "$@"; do
    [ -d "$project/target" ] && mv "$project/target" "$trash/target.$i.$(basename "$tree")"
    /usr/bin/time -f '%e %U %S %M' -o "$out" node --conditions=smsql-source "$tree/packages/cli/src/bin.ts" compile --project-dir "$project" > /dev/null
    read -r wall user sys rss < "$out"
    printf '%-12s wall %6.2f s  cpu %6.2f s  rss %4d MB  load %s\n' "$(basename "$tree")" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
rm -rf "$trash" "$out"
