#!/usr/bin/env bash
# sm installed as a user installs it, from packed tarballs of this checkout (nothing published):
# pack every package; serve the @smsql tarballs from a local registry (every other dependency
# comes from the npm registry); `npm i -g` the packed CLI into an empty prefix; then, outside the
# repository, `sm --version`, `sm init demo && cd demo && sm build && sm test`, the Streamify
# project with the installed binary, and `npx @smsql/cli`. Also checks what the tarballs ship and
# that an unsupported Node gets one line and exit 2. Exits non-zero on the first failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/ensure-node.sh
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sm-install-XXXXXX")"
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { echo "install-test: $*" >&2; }
fail() { echo "install-test: FAILED: $*" >&2; exit 1; }
# Steps that reach the npm registry end within 15 minutes or fail saying why: npm retries forever
# in silence when, for one, a TLS proxy's certificate is not trusted (NODE_EXTRA_CA_CERTS unset).
net() { timeout 900 "$@" || fail "'$*' failed or did not finish in 15 minutes: can this machine reach the npm registry (a proxy's CA in NODE_EXTRA_CA_CERTS)? npm's log: $npm_config_cache/_logs"; }
# No profiles or project from the caller's environment: a new user has none.
unset SM_PROFILES_DIR DBT_PROFILES_DIR SM_PROJECT_DIR NODE_OPTIONS
start=$(date +%s)

step "node $(node --version); build and pack every package"
node scripts/build.mjs
mkdir -p "$WORK/tgz"
for p in core adapter-duckdb adapter-snowflake ingest cli; do (cd "packages/$p" && pnpm pack --pack-destination "$WORK/tgz" >/dev/null); done
for t in "$WORK"/tgz/*.tgz; do
  listing="$(tar -tzf "$t")"
  if grep -qE '^package/(src|test)/|\.tsbuildinfo$|\.test\.' <<<"$listing"; then fail "$(basename "$t") ships sources, tests or build state"; fi
  grep -qx 'package/dist/index.js' <<<"$listing" || fail "$(basename "$t") has no dist/index.js"
  grep -qx 'package/dist/index.d.ts' <<<"$listing" || fail "$(basename "$t") has no declarations"
  # workspace:* must have become real versions.
  if tar -xOzf "$t" package/package.json | grep -q 'workspace:'; then fail "$(basename "$t") still depends on workspace:"; fi
done
core="$(tar -tzf "$WORK"/tgz/smsql-core-*.tgz)"
grep -qx 'package/dist/docs/site/index.html' <<<"$core" || fail "core does not ship the docs site"
if [[ -d packages/core/macros ]]; then grep -q '^package/macros/' <<<"$core" || fail "core does not ship macros/"; fi
ls -l "$WORK/tgz" | awk 'NR>1 {print "install-test:   " $5 "\t" $9}' >&2

step "a local registry for the @smsql scope"
node scripts/local-registry.mjs "$WORK/tgz" "$WORK/port" &
registry_pid=$!
for _ in $(seq 1 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
[[ -s "$WORK/port" ]] || fail "the local registry did not start"
printf '@smsql:registry=http://127.0.0.1:%s/\n' "$(cat "$WORK/port")" > "$WORK/npmrc"
export npm_config_userconfig="$WORK/npmrc" npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# A cache of our own, kept between runs for the registry's tarballs; npx's installs in it are
# dropped, since every run packs the same version number with different contents.
export npm_config_cache="${SM_TOOLS_DIR:-$HOME/.cache/sm-tools}/npm-cache-install-test"
rm -rf "$npm_config_cache/_npx"

step "npm i -g the packed CLI into an empty prefix"
t0=$(date +%s)
net npm install -g --prefix "$WORK/prefix" --loglevel=error "$WORK"/tgz/smsql-cli-*.tgz >&2
step "  installed in $(( $(date +%s) - t0 ))s"
export PATH="$WORK/prefix/bin:$PATH"
[[ "$(command -v sm)" == "$WORK/prefix/bin/sm" ]] || fail "sm is not the installed binary: $(command -v sm)"
sm --version | tee "$WORK/version.txt" >&2
grep -q '^sm 0\.' "$WORK/version.txt" && grep -q 'duckdb: 0\.' "$WORK/version.txt" && grep -q 'snowflake: 0\.' "$WORK/version.txt" || fail "sm --version does not list sm and its adapters"

step "sm init demo && cd demo && sm build && sm test, outside the repository"
mkdir -p "$WORK/user"
cd "$WORK/user"
sm init demo >&2
cd demo
sm build >&2
sm test >&2
sm show customer_orders --limit 3 >&2
sm parse >&2
sm clean >&2
[[ ! -e target ]] || fail "sm clean left target/"

step "the Streamify project with the installed binary"
mkdir -p "$WORK/streamify"
(cd "$ROOT/project" && tar --exclude=./target --exclude=./lake --exclude=./logs --exclude='*.duckdb' --exclude='*.duckdb.wal' -cf - .) | (cd "$WORK/streamify" && tar -xf -)
cd "$WORK/streamify"
sm ingest generate --users 40 --start 2026-11-01 --end 2026-11-01T12:00:00Z --seed 7 >&2
sm ingest load >&2
sm build >&2
sm show wide_streams --limit 3 >&2
sm ls -s +wide_streams --output name > "$WORK/ls.txt"
grep -qx wide_streams "$WORK/ls.txt" || fail "sm ls -s +wide_streams does not list wide_streams"

step "npx @smsql/cli from an empty folder"
mkdir -p "$WORK/npx" && cd "$WORK/npx"
PATH="${PATH#"$WORK/prefix/bin:"}" net npx -y @smsql/cli --version >&2
PATH="${PATH#"$WORK/prefix/bin:"}" net npx -y -p @smsql/cli sm init npx_demo >&2
cd npx_demo
PATH="${PATH#"$WORK/prefix/bin:"}" net npx -y -p @smsql/cli sm build >&2

step "an unsupported Node says which version is needed"
old=""
for n in /usr/bin/node /usr/local/bin/node; do
  if [[ -x "$n" ]] && ! "$n" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)'; then old="$n"; break; fi
done
if [[ -n "$old" ]]; then
  set +e
  msg="$("$old" "$WORK/prefix/lib/node_modules/@smsql/cli/dist/bin.js" --version 2>&1)"
  rc=$?
  set -e
  [[ "$rc" == 2 ]] || fail "Node $("$old" --version) gave exit $rc, not 2: $msg"
  [[ "$(wc -l <<<"$msg")" == 1 && "$msg" == *"needs Node.js 22.22 or newer"* ]] || fail "Node $("$old" --version) did not get one line naming the version: $msg"
  step "  $("$old" --version): $msg"
else
  step "  no Node older than 22.22 on this machine to try (/usr/bin/node is $(/usr/bin/node --version 2>/dev/null || echo absent))"
fi

step "passed in $(( $(date +%s) - start ))s"
