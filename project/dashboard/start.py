"""Start the Streamify dashboard (Apache Superset) on a built project's gold lake layer.

    <superset venv>/bin/python project/dashboard/start.py PROJECT_DIR [--port 8088] [--prepare-only]

Run by `pnpm dashboard` (scripts/dashboard.sh), which installs Superset first. Steps, each
idempotent:
1. views: PROJECT_DIR/target/superset/lake.duckdb holds one view per gold model over its
   Parquet files (read_parquet of target/lake/gold/<model>), so Superset reads the files and
   never sm's database: builds go on while the dashboard is open.
2. Superset's own state in PROJECT_DIR/target/superset: the metadata database (copied from the
   one install-superset.sh migrated), a secret key made once, and an admin user
   (SM_DASHBOARD_USER / SM_DASHBOARD_PASSWORD, default admin / admin: a local demo only).
3. the dashboard, its charts and datasets from project/dashboard/superset/ (Superset's export
   format, so a dashboard changed in the UI can be exported back over these files), imported.
4. Superset itself on 127.0.0.1 (never another interface) until Ctrl-C.
"""
import argparse
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLE = os.path.join(HERE, "superset")

# Gold model -> its folder under target/lake/gold; daily models get a timestamp for Superset's time filter.
GOLD = {
    "gold_listens_hourly": ("listens_hourly", None),
    "gold_listens_by_state": ("listens_by_state", "event_date"),
    "gold_song_plays_daily": ("song_plays_daily", "event_date"),
    "gold_artist_plays_daily": ("artist_plays_daily", "event_date"),
    "gold_active_users_daily": ("active_users_daily", "event_date"),
    "gold_level_changes_daily": ("level_changes_daily", "event_date"),
    "gold_sessions": ("sessions", "session_date"),
}


def fail(msg):
    print(f"dashboard: {msg}", file=sys.stderr)
    sys.exit(2)


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def make_views(project, state):
    import duckdb

    lake = os.path.join(project, "target", "lake", "gold")
    missing = [m for m, (folder, _) in GOLD.items() if not os.path.isdir(os.path.join(lake, folder))]
    if missing:
        fail(f"no gold lake layer in {lake} ({', '.join(missing)} missing): build the project first (pnpm demo, or sm build in {project})")
    path = os.path.join(state, "lake.duckdb")
    tmp = path + ".tmp"
    for p in (tmp, tmp + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    con = duckdb.connect(tmp)
    for model, (folder, day) in GOLD.items():
        files = quote(os.path.join(lake, folder, "**", "*.parquet"))
        extra = f", cast({day} as timestamp) as day_start" if day else ""
        con.execute(f"create view {model} as select *{extra} from read_parquet({files}, hive_partitioning = true)")
    con.close()
    os.replace(tmp, path)
    return path


def superset(venv_bin, env, *args):
    subprocess.run([os.path.join(venv_bin, "superset"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(project, venv_bin, env, state):
    views = make_views(project, state)
    db = os.path.join(state, "superset.db")
    if not os.path.exists(db):
        template = os.path.join(os.path.dirname(venv_bin), "metadata-template.db")
        if not os.path.exists(template):
            fail(f"{template} is missing: run scripts/ci/install-superset.sh")
        shutil.copyfile(template, db)
    key = os.path.join(state, "secret_key")
    if not os.path.exists(key):
        with open(key, "w") as f:
            f.write(secrets.token_hex(32))
        os.chmod(key, 0o600)
    user = env["SM_DASHBOARD_USER"]
    with sqlite3.connect(db) as con:
        has_user = con.execute("select 1 from ab_user where username = ?", (user,)).fetchone()
    if not has_user:
        superset(venv_bin, env, "fab", "create-admin", "--username", user, "--firstname", "Streamify", "--lastname", "Analyst",
                 "--email", f"{user}@localhost", "--password", env["SM_DASHBOARD_PASSWORD"])
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "streamify.zip")
        with zipfile.ZipFile(bundle, "w") as z:
            for folder, _, names in os.walk(BUNDLE):
                for name in sorted(names):
                    if not name.endswith(".yaml"):
                        continue
                    src = os.path.join(folder, name)
                    with open(src) as f:
                        text = f.read().replace("__LAKE_VIEWS__", "/" + views.lstrip("/"))
                    z.writestr(os.path.join("streamify", os.path.relpath(src, BUNDLE)), text)
        superset(venv_bin, env, "import-dashboards", "--path", bundle, "--username", user)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--port", type=int, default=8088)
    ap.add_argument("--prepare-only", action="store_true")
    a = ap.parse_args()
    project = os.path.abspath(a.project)
    state = os.path.join(project, "target", "superset")
    os.makedirs(state, exist_ok=True)
    venv_bin = os.path.dirname(os.path.abspath(sys.executable))
    env = dict(os.environ)
    env.update(SM_SUPERSET_STATE=state, SUPERSET_CONFIG_PATH=os.path.join(HERE, "superset_config.py"), FLASK_APP="superset")
    env.setdefault("SM_DASHBOARD_USER", "admin")
    env.setdefault("SM_DASHBOARD_PASSWORD", "admin")
    prepare(project, venv_bin, env, state)
    if a.prepare_only:
        return
    print(f"dashboard: http://127.0.0.1:{a.port}/superset/dashboard/streamify/ (user {env['SM_DASHBOARD_USER']})", flush=True)
    os.execve(os.path.join(venv_bin, "superset"), ["superset", "run", "-h", "127.0.0.1", "-p", str(a.port), "--with-threads"], env)


if __name__ == "__main__":
    main()
