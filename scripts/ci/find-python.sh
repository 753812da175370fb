# Sourced by the venv installers beside it. `find_python NAME MIN MAX CANDIDATE...` sets $python
# to $SM_VENV_PYTHON when that is set, else to the first candidate that runs and whose version
# is MIN or later and MAX or earlier (MAX empty: no upper bound); with none, it says so for NAME
# and exits 1. (SM_PYTHON is the Python that runs dbt Python models, which needs duckdb.)
find_python() {
  local name="$1" min="$2" max="$3" p
  shift 3
  python="${SM_VENV_PYTHON:-}"
  [[ -n "$python" ]] && return 0
  local test="(${min/./, }) <= sys.version_info[:2]"
  [[ -n "$max" ]] && test="$test <= (${max/./, })"
  # pyenv shims exist for versions that are not active, so check that each one really runs.
  for p in "$@"; do
    if "$p" -c "import sys; sys.exit(0 if $test else 1)" >/dev/null 2>&1; then python="$p"; return 0; fi
  done
  if [[ -n "$max" ]]; then echo "$name: no python3 found; install Python $min-$max" >&2; else echo "$name: no python3 found; install Python $min or later" >&2; fi
  exit 1
}
