# Sourced by the repository's scripts (demo, test, CI): makes `node` a supported version.
# When the machine's node is missing or older than sm supports (see engines in package.json),
# installs Node 24 from the npm registry (the `node` package) into $SM_TOOLS_DIR (default
# ~/.cache/sm-tools) once and puts it first on PATH. No manual step, no other download site.
sm_node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)' 2>/dev/null
}
if ! sm_node_ok; then
  SM_TOOLS_DIR="${SM_TOOLS_DIR:-$HOME/.cache/sm-tools}"
  if [[ ! -x "$SM_TOOLS_DIR/node24/node_modules/node/bin/node" ]]; then
    echo "sm: node $(node --version 2>/dev/null || echo missing) is older than sm needs (22.22); installing Node 24 from the npm registry into $SM_TOOLS_DIR/node24" >&2
    npm install --prefix "$SM_TOOLS_DIR/node24" --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  export PATH="$SM_TOOLS_DIR/node24/node_modules/node/bin:$SM_TOOLS_DIR/node24/node_modules/.bin:$PATH"
  sm_node_ok || { echo "sm: could not get a supported Node (have $(node --version 2>/dev/null))" >&2; exit 2; }
fi
# pnpm as the repository pins it, when it is not on PATH (a fresh machine has only npm and npx).
command -v pnpm >/dev/null 2>&1 || pnpm() { npx -y pnpm@10.34.9 "$@"; }
