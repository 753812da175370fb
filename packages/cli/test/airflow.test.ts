import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, sm } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));
const DAGS = join(PROJECT, 'airflow', 'dags');
const OUTPUT = fileURLToPath(new URL('./__output__/', import.meta.url));
// Created by scripts/ci/install-airflow.sh; this test installs nothing itself.
const VERSION = process.env.SM_AIRFLOW_VERSION ?? '3.3.2';
const VENV = process.env.SM_AIRFLOW_VENV ?? join(process.env.SM_AIRFLOW_CACHE ?? join(homedir(), '.cache', 'sm-airflow'), `airflow-${VERSION}`);

// Loads the DAG file the way the scheduler does and prints what it found as JSON.
const DAG_CHECK = `
import json, sys
try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:
    from airflow.models.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags.get("streamify")
tasks = dag.tasks if dag else []
print(json.dumps({
    "import_errors": {k: str(v) for k, v in bag.import_errors.items()},
    "tasks": sorted(t.task_id for t in tasks),
    "edges": sorted([u, t.task_id] for t in tasks for u in t.upstream_task_ids),
    "schedule": str(getattr(dag, "schedule", None)),
    "trigger_rules": {t.task_id: str(t.trigger_rule) for t in tasks},
    "retries": {t.task_id: t.retries for t in tasks},
}))
`;

describe('the Streamify Airflow DAG', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const airflow = (args: string[], timeout = 240_000, extraEnv: NodeJS.ProcessEnv = {}) =>
    spawnSync(join(VENV, 'bin', 'airflow'), args, { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024 });

  beforeAll(async () => {
    if (!existsSync(join(VENV, 'bin', 'airflow'))) {
      throw new Error(`No Airflow venv at ${VENV}: run scripts/ci/install-airflow.sh (CI runs it through scripts/ci/prepare.sh)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'sm-airflow-'));
    const project = join(dir, 'project');
    cpSync(PROJECT, project, { recursive: true, filter: (src) => !/\/(target|lake|logs|airflow)(\/|$)/.test(src.slice(PROJECT.length)) });
    const gen = await sm('ingest', 'generate', '--project-dir', project, '--users', '30', '--start', '2026-11-06', '--end', '2026-11-07', '--seed', '5');
    expect(gen.code, gen.err).toBe(0);
    env = {
      ...process.env,
      AIRFLOW_HOME: join(dir, 'airflow-home'),
      AIRFLOW__CORE__DAGS_FOLDER: DAGS,
      AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
      SM_PROJECT_DIR: project,
      SM_BIN: `${process.execPath} ${BIN}`,
      SM_RETRY_DELAY_SECONDS: '1',
    };
    const migrate = airflow(['db', 'migrate']);
    expect(migrate.status, migrate.stderr.slice(-3000)).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no import errors, one task per node, the project\'s edges, retries and a retry on failure', () => {
    const r = spawnSync(join(VENV, 'bin', 'python'), ['-c', DAG_CHECK, DAGS], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    const dag = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      import_errors: Record<string, string>; tasks: string[]; edges: [string, string][]; schedule: string;
      trigger_rules: Record<string, string>; retries: Record<string, number>;
    };
    expect(dag.import_errors).toEqual({});
    expect(dag.tasks).toEqual(expect.arrayContaining([
      'ingest', 'seed_songs', 'seed_state_codes', 'model_stg_listen_events', 'model_dim_users', 'model_fact_streams', 'model_wide_streams', 'sm_retry',
    ]));
    // One task per seed and model; a test that reads several nodes with none after the others gets its own task after all of them.
    expect(dag.tasks.filter((t) => /^(seed|model)_/.test(t))).toHaveLength(24);
    // The gold lake layer is refreshed after every mart, silver straight after landing.
    const gold = dag.tasks.filter((t) => t.startsWith('model_gold_'));
    expect(gold).toHaveLength(7);
    for (const g of gold) {
      const up = dag.edges.filter(([, to]) => to === g).map(([from]) => from);
      expect(up, g).toEqual(expect.arrayContaining(['model_wide_streams', 'model_fact_streams', 'model_dim_users']));
    }
    expect(dag.edges).toEqual(expect.arrayContaining([['ingest', 'model_silver_listen_events'], ['model_silver_listen_events', 'model_gold_listens_hourly']]));
    for (const t of dag.tasks.filter((x) => x.startsWith('test_'))) expect(dag.edges.filter(([, to]) => to === t).length).toBeGreaterThan(1);
    expect(dag.edges).toEqual(expect.arrayContaining([
      ['ingest', 'model_stg_listen_events'],
      ['model_stg_listen_events', 'model_fact_streams'],
      ['model_dim_users', 'model_fact_streams'],
      ['model_fact_streams', 'model_wide_streams'],
      ['model_gold_listens_hourly', 'sm_retry'],
    ]));
    // A staging model waits for landing, not for an unrelated mart.
    expect(dag.edges.filter(([, t]) => t === 'model_stg_listen_events')).toEqual([['ingest', 'model_stg_listen_events']]);
    expect(dag.schedule).toBe('@hourly');
    expect(dag.trigger_rules.sm_retry).toMatch(/one_failed/i);
    expect(dag.retries.model_fact_streams).toBe(2);
    // The node list was cached so the next parse does not run sm.
    expect(existsSync(join(dir, 'project', 'target', 'airflow_nodes.json'))).toBe(true);
  });

  it('airflow dags test lands the events and builds wide_streams', async () => {
    const r = airflow(['dags', 'test', 'streamify', '2026-11-07T00:00:00+00:00'], 400_000);
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, 'airflow-dags-test.log'), `${r.stdout}\n${r.stderr}`);
    const log = `${r.stdout}\n${r.stderr}`;
    expect(r.status, log.slice(-4000)).toBe(0);
    expect(log).toMatch(/DagRun Finished: dag_id=streamify.*state=success/);
    // The failure path did not run.
    expect(log).not.toMatch(/running task <TaskInstance: streamify\.sm_retry/);
    const db = await DuckDBInstance.create(join(dir, 'project', 'target', 'streamify.duckdb'));
    const c = await db.connect();
    try {
      const rows = (await c.runAndReadAll(
        "select (select count(*) from main_marts.wide_streams)::int as wide, (select count(*) from main_staging.stg_listen_events)::int as listens, (select sum(listens) from main_gold.gold_listens_hourly)::int as gold",
      )).getRowObjectsJS() as { wide: number; listens: number; gold: number }[];
      expect(rows[0]!.listens).toBeGreaterThan(0);
      expect(rows[0]!.wide).toBe(rows[0]!.listens);
      // The hour's gold layer, refreshed after the marts, counts the same listens.
      expect(rows[0]!.gold).toBe(rows[0]!.wide);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  }, 420_000);

  it('on a failure, retries the task, then sm_retry rebuilds the failed node and what never ran below it', () => {
    const file = join(dir, 'project', 'models', 'marts', 'fact_streams.sql');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace(/\bselect\b/, 'select no_such_column,'));
    try {
      // Everything upstream of fact_streams was built by the previous test: mark it done instead of running it again.
      const upstream = '^(ingest|seed_.*|model_stg_.*|model_dim_.*)$';
      const r = airflow(['dags', 'test', 'streamify', '2026-11-08T00:00:00+00:00', '--mark-success-pattern', upstream], 400_000, { SM_RETRIES: '1' });
      const log = `${r.stdout}\n${r.stderr}`;
      writeFileSync(join(OUTPUT, 'airflow-dags-test-failure.log'), log);
      expect(r.status, log.slice(-4000)).not.toBe(0);
      expect(log).toMatch(/DagRun Finished: dag_id=streamify.*state=failed/);
      // Airflow retried the failing task once before giving up on it.
      expect(log.match(/running task <TaskInstance: streamify\.model_fact_streams /g)).toHaveLength(2);
      // The failure path ran sm retry on the failed model and its never-run descendant, nothing else.
      const retry = log.slice(log.indexOf('running task <TaskInstance: streamify.sm_retry'));
      // fact_streams errors, or is skipped when its unit test fails first.
      expect(retry).toMatch(/(ERROR|SKIPPED)\s+(incremental|model) fact_streams/);
      expect(retry).toMatch(/SKIPPED model wide_streams/);
      expect(retry).not.toMatch(/model (dim_users|stg_listen_events)/);
    } finally {
      writeFileSync(file, good);
    }
  }, 420_000);
});
