#!/usr/bin/env bash
# dbt's published artifact JSON schemas (manifest v12, run_results v6, catalog v1), for the test
# that validates our target/*.json against them. The schema files are not committed: dbt generates
# them from its own artifact classes, so this installs dbt-core from PyPI into a throwaway venv and
# asks those classes for their schemas, the same way dbt-core produces the published files.
# Idempotent. Env: SM_DBT_SCHEMAS (default ~/.cache/sm-dbt-schemas). Prints the schema dir.
set -euo pipefail

cache="${SM_DBT_SCHEMAS:-$HOME/.cache/sm-dbt-schemas}"
# 1.11.x is the newest dbt-core that installs from PyPI alone (1.12 builds a parser from elsewhere).
version="${SM_DBT_CORE_VERSION:-1.11.16}"
out="$cache/schemas"
if [[ -f "$out/.complete" ]]; then echo "$out"; exit 0; fi

python=""
# pyenv shims exist for versions that are not active, so check that each one really runs.
for p in python3.11 python3.12 python3; do
  if "$p" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 13) else 1)' >/dev/null 2>&1; then python="$p"; break; fi
done
[[ -n "$python" ]] || { echo "install-dbt-schemas.sh: no Python 3.9-3.13 found" >&2; exit 1; }
rm -rf "$cache/venv" "$out"
mkdir -p "$out"
"$python" -m venv "$cache/venv"
"$cache/venv/bin/pip" install -q --disable-pip-version-check "dbt-core==$version" >&2
"$cache/venv/bin/python" - "$out" <<'PY'
import json, sys
from dbt.artifacts.schemas.manifest import WritableManifest
from dbt.artifacts.schemas.run import RunResultsArtifact
from dbt.artifacts.schemas.catalog import CatalogArtifact
out = sys.argv[1]
for name, cls in (("manifest", WritableManifest), ("run_results", RunResultsArtifact), ("catalog", CatalogArtifact)):
    schema = cls.json_schema()
    version = cls.dbt_schema_version.version
    with open(f"{out}/{name}_v{version}.json", "w") as f:
        json.dump(schema, f, indent=2)
PY
touch "$out/.complete"
echo "$out"
