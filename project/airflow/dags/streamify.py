"""Streamify, hourly: land the new Eventsim events, then build every seed, model and snapshot
as its own task in dependency order (each `sm build --select <node>` also runs that node's
tests), and on any failure run `sm retry`. The gold lake layer (models tagged `gold`, which the
dashboard reads) is refreshed after every mart (tag `marts`), so each hour's dashboard figures
match a complete star schema.

On failure, `sm_retry` gathers what each task's `sm build` wrote to target/run_results.json
(each task keeps a copy under target/airflow/<run id>/), marks the nodes whose tasks never ran
as skipped, writes that as target/run_results.json and runs `sm retry`: the failed nodes and
everything below them are built again, in dependency order, in one invocation.

The task list comes from `sm ls --output json`, run when the DAG is parsed and cached in
target/airflow_nodes.json, so parsing stays fast: the cache is used while it is newer than
every file of the project.

Environment:
  SM_PROJECT_DIR   the sm project (default: the project this file lives in)
  SM_BIN           how to run sm (default "sm", as `npm i -g @smsql/cli` installs it); from a
                   checkout built by `pnpm install`: "node /opt/sm/packages/cli/dist/bin.js"
  SM_TARGET        target of profiles.yml (default: the profile's own)
  SM_INGEST        "files" (sm ingest load, the default) or "kafka" (sm ingest kafka --once)
  SM_RETRIES, SM_RETRY_DELAY_SECONDS   Airflow retries of each task (default 2, 300 s)
  SM_MAX_ACTIVE_TASKS   tasks at once (default 1: DuckDB allows one writer)
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG
try:
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:
    from airflow.operators.bash import BashOperator
    from airflow.operators.python import PythonOperator

PROJECT_DIR = Path(os.environ.get("SM_PROJECT_DIR", Path(__file__).resolve().parents[2])).resolve()
SM = shlex.split(os.environ.get("SM_BIN", "sm"))
TARGET = os.environ.get("SM_TARGET", "")
BUILT = ("model", "seed", "snapshot")
# Tests are listed too: one that reads several nodes gets its own task after all of them.
LISTED = (*BUILT, "test")
# What `sm ls` reads: a change to any of these makes the cache stale.
PROJECT_FOLDERS = ("models", "seeds", "snapshots", "macros", "tests")
CACHE = PROJECT_DIR / "target" / "airflow_nodes.json"


def _newest_project_mtime() -> float:
    newest = 0.0
    for entry in PROJECT_DIR.iterdir():
        if entry.is_file() and entry.suffix in (".yml", ".yaml"):
            newest = max(newest, entry.stat().st_mtime)
    for folder in PROJECT_FOLDERS:
        for root, _dirs, files in os.walk(PROJECT_DIR / folder):
            for f in files:
                newest = max(newest, os.stat(os.path.join(root, f)).st_mtime)
    return newest


def _sm_args(*args: str) -> list[str]:
    out = [*SM, *args, "--project-dir", str(PROJECT_DIR)]
    if TARGET:
        out += ["--target", TARGET]
    return out


def _with_parents(node: dict) -> dict:
    """`depends_on.nodes` always present: `ls --output json` leaves it out for a seed, as dbt ls does."""
    node.setdefault("depends_on", {}).setdefault("nodes", [])
    return node


def load_nodes() -> list[dict]:
    """Seeds, models and snapshots with their dependencies, from the cache or from `sm ls`."""
    if CACHE.exists() and CACHE.stat().st_mtime >= _newest_project_mtime():
        return [_with_parents(n) for n in json.loads(CACHE.read_text())]
    proc = subprocess.run(
        _sm_args("ls", "--output", "json", "--resource-type", *LISTED),
        capture_output=True, text=True, timeout=120, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"`{' '.join(_sm_args('ls'))}` failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    nodes = [_with_parents(json.loads(line)) for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    tmp = CACHE.with_suffix(".tmp")
    tmp.write_text(json.dumps(nodes))
    tmp.replace(CACHE)
    return nodes


def _cmd(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in _sm_args(*args))


def task_id_of(node: dict) -> str:
    return f"{node['resource_type']}_{node['name']}"


RESULTS = PROJECT_DIR / "target" / "run_results.json"
LEDGER = PROJECT_DIR / "target" / "airflow"


def sm_task_command(node: dict, *args: str) -> str:
    """One sm invocation for one node, keeping a copy of its run_results.json for the failure path."""
    ledger = shlex.quote(str(LEDGER)) + "/{{ run_id | replace(':', '_') | replace('+', '_') }}"
    return (
        f"rm -f {shlex.quote(str(RESULTS))}; "
        # JSON log lines: one event per node, with status and timing, in the task log.
        f"{_cmd(*args, '--log-format', 'json')}; rc=$?; "
        f"mkdir -p {ledger} && if [ -f {shlex.quote(str(RESULTS))} ]; then cp {shlex.quote(str(RESULTS))} {ledger}/{task_id_of(node)}.json; fi; "
        "exit $rc"
    )


def retry_failed(run_id: str) -> None:
    """Merge this run's per-task results, mark never-run nodes skipped, then `sm retry`."""
    ledger = LEDGER / run_id.replace(":", "_").replace("+", "_")
    results: dict[str, dict] = {}
    base = None
    for f in sorted(ledger.glob("*.json")) if ledger.exists() else []:
        rr = json.loads(f.read_text())
        base = base or rr
        for r in rr.get("results", []):
            results[r["unique_id"]] = r
    if base is None:
        raise RuntimeError(f"No sm results in {ledger}: nothing to retry (did the ingest task fail?)")
    for node in load_nodes():
        if node["unique_id"] not in results:
            results[node["unique_id"]] = {
                "unique_id": node["unique_id"], "status": "skipped", "timing": [], "thread_id": "airflow",
                "execution_time": 0.0, "adapter_response": {}, "message": "upstream task failed",
                "failures": None, "compiled": None, "compiled_code": None, "relation_name": None, "batch_results": None,
            }
    merged = {**base, "results": list(results.values()), "args": {**base.get("args", {}), "which": "build", "select": []}}
    RESULTS.write_text(json.dumps(merged))
    proc = subprocess.run(_sm_args("retry"), capture_output=True, text=True, check=False)
    print(proc.stdout)
    print(proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"sm retry failed ({proc.returncode})")


default_args = {
    "retries": int(os.environ.get("SM_RETRIES", "2")),
    "retry_delay": timedelta(seconds=int(os.environ.get("SM_RETRY_DELAY_SECONDS", "300"))),
}

with DAG(
    dag_id="streamify",
    description="Land Eventsim events, then build the Streamify star schema with sm, one task per node",
    schedule="@hourly",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=int(os.environ.get("SM_MAX_ACTIVE_TASKS", "1")),
    default_args=default_args,
    tags=["sm", "streamify"],
) as dag:
    if os.environ.get("SM_INGEST", "files") == "kafka":
        ingest = BashOperator(task_id="ingest", bash_command=_cmd("ingest", "kafka", "--once"))
    else:
        ingest = BashOperator(task_id="ingest", bash_command=_cmd("ingest", "load"))

    listed = load_nodes()
    nodes = [n for n in listed if n["resource_type"] in BUILT]
    by_id = {n["unique_id"]: n for n in nodes}
    ancestors: dict[str, set[str]] = {}

    def ancestors_of(uid: str) -> set[str]:
        if uid not in ancestors:
            ancestors[uid] = set()
            for d in by_id[uid]["depends_on"]["nodes"]:
                if d in by_id:
                    ancestors[uid] |= {d, *ancestors_of(d)}
        return ancestors[uid]

    # A test runs in the `sm build` of the one node it reads that comes after all the others
    # (fact_streams for its relationships to the dims). A test with no such node (a singular
    # test joining two staging models) gets a task of its own after all of them.
    owner: dict[str, str | None] = {}
    for t in (t for t in listed if t["resource_type"] == "test"):
        parents = [d for d in t["depends_on"]["nodes"] if d in by_id]
        if len(parents) < 2:
            continue
        last = [p for p in parents if all(q == p or q in ancestors_of(p) for q in parents)]
        owner[t["unique_id"]] = last[0] if last else None
    shared = [t for t in listed if t["unique_id"] in owner and owner[t["unique_id"]] is None]
    tasks = {}
    for node in nodes:
        uid = node["unique_id"]
        later = [t["name"] for t in listed if t["unique_id"] in owner and owner[t["unique_id"]] != uid and uid in t["depends_on"]["nodes"]]
        args = ["build", "--select", node["name"], *(["--exclude", *later] if later else [])]
        tasks[uid] = BashOperator(task_id=task_id_of(node), bash_command=sm_task_command(node, *args))
    for test in shared:
        tasks[test["unique_id"]] = BashOperator(task_id=task_id_of(test), bash_command=sm_task_command(test, "test", "--select", test["name"]))
    marts = [tasks[n["unique_id"]] for n in nodes if "marts" in n.get("tags", [])]
    for node in [*nodes, *shared]:
        task = tasks[node["unique_id"]]
        parents = [tasks[d] for d in node["depends_on"]["nodes"] if d in tasks]
        if "gold" in node.get("tags", []):
            parents = list(dict.fromkeys([*parents, *marts]))
        # Nodes that read only sources (or nothing) wait for the landing.
        for parent in parents or [ingest]:
            parent >> task
    leaves = [t for t in tasks.values() if not t.downstream_task_ids]

    # Runs only when something failed; if it succeeds, the run's data is complete after all.
    retry = PythonOperator(
        task_id="sm_retry", python_callable=retry_failed, op_kwargs={"run_id": "{{ run_id }}"},
        trigger_rule="one_failed", retries=0,
    )
    for task in leaves or [ingest]:
        task >> retry
