#!/usr/bin/env bash
# The oldest Node sm supports (engines: >=22.22), fetched from the npm registry (the `node`
# package, as scripts/ensure-node.sh fetches 24): the install test from packed tarballs and a
# subset of the suite that covers the CLI end to end, the error path, lazy loading and a
# Streamify build. Run by .ci/run after the main suite (which runs on the newest LTS).
set -euo pipefail
cd "$(dirname "$0")/.."
OLDEST="${SM_OLDEST_NODE:-22.22.0}"
TOOLS="${SM_TOOLS_DIR:-$HOME/.cache/sm-tools}"
if [[ ! -x "$TOOLS/node-$OLDEST/node_modules/node/bin/node" ]]; then
  echo "oldest-node: installing Node $OLDEST from the npm registry into $TOOLS/node-$OLDEST" >&2
  npm install --prefix "$TOOLS/node-$OLDEST" --no-audit --no-fund --loglevel=error "node@$OLDEST" >&2
fi
export PATH="$TOOLS/node-$OLDEST/node_modules/node/bin:$PATH"
[[ "$(node --version)" == "v$OLDEST" ]] || { echo "oldest-node: expected Node $OLDEST, got $(node --version)" >&2; exit 1; }
command -v pnpm >/dev/null 2>&1 || pnpm() { npx -y pnpm@10.34.9 "$@"; }
echo "oldest-node: $(node --version)" >&2

bash scripts/install-test.sh
pnpm exec vitest run \
  packages/cli/test/node-support.test.ts packages/cli/test/source-resolution.test.ts \
  packages/cli/test/cli.test.ts packages/cli/test/hostile-inputs.test.ts packages/cli/test/init-clean-parse.test.ts \
  packages/cli/test/lazy-loading.test.ts packages/cli/test/streamify.test.ts \
  packages/adapter-duckdb packages/core/test/compile.test.ts
