import { resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Option, type Command } from 'commander';
import { openTarget } from '@smsql/core';
import { builtinAdapters } from '../adapters.ts';
import type { CliContext } from '../cli-context.ts';
import { defaultProjectDir } from '../common-options.ts';

interface TargetFlags {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  logFormat?: string;
}

function usageError(message: string): Error {
  return Object.assign(new Error(message), { kind: 'SmProjectError', diagnostics: [{ code: 'SM_USAGE', severity: 'error', message }] });
}

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--project-dir <dir>', 'project directory', defaultProjectDir())
    .option('--profiles-dir <dir>', 'directory holding profiles.yml')
    .option('-t, --target <name>', 'target to land into')
    .addOption(new Option('--log-format <format>', 'output format').choices(['text', 'json']).default('text'));
}

function parseDate(v: string, flag: string): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = new Date(day ? `${v}T00:00:00Z` : v);
  // JavaScript rolls 2026-02-30 over to March 2: a day the calendar lacks is a typo, not a date.
  const real = !Number.isNaN(d.getTime()) && (!day || (d.getUTCMonth() + 1 === Number(day[2]) && d.getUTCDate() === Number(day[3])));
  if (!real) throw usageError(`${flag} must be a date or timestamp (2026-11-01 or 2026-11-01T05:00:00Z), not "${v}"`);
  return d;
}

function parseWhole(v: string, flag: string, min = 0): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || !/^\s*\d+\s*$/.test(v)) throw usageError(`${flag} must be a whole number of ${min} or more, not "${v}"`);
  return n;
}

/** Bytes of heap one simulated person takes while events are generated (measured: about 0.5 KB; doubled for headroom). */
const HEAP_BYTES_PER_USER = 1024;

/** `--users`: at least one person, and no more than the heap holds (past it Node dies with a fatal out-of-memory trace, not an error). */
function parseUsers(v: string): number {
  const n = parseWhole(v, '--users', 1);
  const limit = Math.floor(getHeapStatistics().heap_size_limit / HEAP_BYTES_PER_USER);
  if (n > limit) throw usageError(`--users ${n} needs more memory than this Node process may use (at most about ${limit} users); generate fewer users, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MB>`);
  return n;
}

/** `--schema`: a name, not blank (a blank one was SQL the warehouse could not parse). */
function checkSchema(schema: string): void {
  if (!schema.trim()) throw usageError('--schema names no schema; pass the schema of the raw tables, e.g. --schema raw');
}

/** `--brokers host:port[,host:port]` (IPv6 hosts in brackets): a typo is a usage error, not a retry window spent on a broker that cannot exist. */
function parseBrokers(list: string): string[] {
  const brokers = list.split(',').map((b) => b.trim()).filter(Boolean);
  if (!brokers.length) throw usageError('--brokers names no broker: give host:port[,host:port]');
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(b);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw usageError(`--brokers: "${b}" is not host:port with a port from 1 to 65535 (e.g. localhost:9092)`);
  }
  return brokers;
}

/** `sm ingest generate|load|kafka|produce`: Eventsim-format events into raw tables. */
export function registerIngestCommands(program: Command, ctx: CliContext): void {
  const ingest = program.command('ingest').description('generate Eventsim-format events and land them into raw tables');

  ingest
    .command('generate')
    .description('write seeded Eventsim-format events as <topic>/year=/month=/day=/hour=/ JSON lines')
    .option('--users <n>', 'simulated people', '200')
    .option('--start <date>', 'start (inclusive, UTC)', '2026-11-01')
    .option('--end <date>', 'end (exclusive, UTC)', '2026-11-02')
    .option('--seed <n>', 'random seed: same seed and arguments give byte-identical files', '42')
    .option('--out <dir>', 'lake directory', 'lake')
    .option('--project-dir <dir>', 'relative --out is under this directory', defaultProjectDir())
    .action(async (flags: { users: string; start: string; end: string; seed: string; out: string; projectDir: string }) => {
      const { writeLake } = await import('@smsql/ingest');
      const start = parseDate(flags.start, '--start');
      const end = parseDate(flags.end, '--end');
      if (end <= start) throw usageError('--end must be after --start');
      const outDir = resolve(flags.projectDir, flags.out);
      const t0 = performance.now();
      const r = await writeLake({ users: parseUsers(flags.users), start, end, seed: parseWhole(flags.seed, '--seed'), outDir });
      const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
      ctx.output.out(`Generated ${total} events in ${r.files.length} files under ${outDir} in ${((performance.now() - t0) / 1000).toFixed(2)}s`);
      for (const [topic, n] of Object.entries(r.counts)) ctx.output.out(`  ${topic.padEnd(22)} ${n}`);
    });

  targetOptions(
    ingest
      .command('load')
      .description('land lake files into the raw tables of the target (idempotent: files landed before are skipped)')
      .option('--lake <dir>', 'lake directory', 'lake')
      .option('--schema <name>', 'schema of the raw tables', 'raw')
      .option('--batch-mb <n>', 'megabytes of files landed per transaction (bounds memory)', '64'),
  ).action(async (flags: TargetFlags & { lake: string; schema: string; batchMb: string }) => {
    const { landFiles } = await import('@smsql/ingest');
    const projectDir = resolve(flags.projectDir);
    if (!flags.lake.trim()) throw usageError('--lake names no directory; pass the lake root, e.g. --lake lake');
    checkSchema(flags.schema);
    const batchMb = Number(flags.batchMb);
    if (!(batchMb > 0)) throw usageError(`--batch-mb must be a positive number of megabytes, not "${flags.batchMb}"`);
    const { project, adapter, session } = await openTarget({ projectDir, profilesDir: flags.profilesDir, target: flags.target, adapters: builtinAdapters });
    const json = flags.logFormat === 'json';
    try {
      const conn = await session.acquire();
      const t0 = performance.now();
      const r = await landFiles(
        { connection: conn, adapter, landingOptions: project.target.landing },
        {
          lakeDir: resolve(projectDir, flags.lake),
          schema: flags.schema,
          batchBytes: Math.max(1, Math.round(batchMb * 1024 * 1024)),
          signal: ctx.signal,
          onBatch: json ? (b) => ctx.output.out(JSON.stringify({ event: 'ingest_batch', topic: b.topic, files: b.files, rows: b.rows, dead_letters: b.deadLetters })) : undefined,
        },
      );
      session.release(conn);
      const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
      const secs = (performance.now() - t0) / 1000;
      for (const f of r.reports) {
        ctx.output.err(json ? JSON.stringify({ event: 'ingest_file', file: f.file, kind: f.kind, reason: f.reason }) : `${f.kind === 'failed' ? 'error' : f.kind === 'skipped' ? 'warning' : 'note'}: ${f.file} ${f.kind === 'deferred' ? 'left for a later load' : f.kind === 'skipped' ? 'not landed' : 'failed'}: ${f.reason}`);
      }
      const failed = r.reports.filter((f) => f.kind === 'failed').length;
      if (json) {
        ctx.output.out(JSON.stringify({ event: 'ingest_load', counts: r.counts, dead_letters: r.deadLetters, skipped_files: r.skippedFiles, reports: r.reports.length, failed, interrupted: r.interrupted, stopped: r.stopped ?? null, seconds: secs }));
      } else {
        const head = r.interrupted ? 'Interrupted: the batch being written was rolled back; landed before that:' : 'Landed';
        ctx.output.out(`${head} ${total} rows into ${flags.schema}.* in ${secs.toFixed(2)}s (${r.skippedFiles} files already landed, ${r.deadLetters} lines to ${flags.schema}.dead_letters)`);
        for (const [topic, n] of Object.entries(r.counts)) ctx.output.out(`  ${topic.padEnd(22)} ${n}`);
        if (r.reports.length) ctx.output.out(`${r.reports.length} file(s) or folder(s) not landed this time, listed above${failed ? `; ${failed} failed` : ''}`);
        if (r.stopped) ctx.output.err(`error: ${r.stopped}. Files later in the lake were not tried; fix the table or the files and load again (what landed stays).`);
      }
      // A file that could not be landed is a failure (exit 1) once the others have landed; deferred and skipped ones are not.
      if (failed && !r.interrupted) ctx.exitCode = 1;
    } finally {
      await session.close();
    }
  });

  targetOptions(
    ingest
      .command('kafka')
      .description('consume Eventsim topics from Kafka into raw tables: at least once, idempotent, offsets committed after the rows land')
      .requiredOption('--brokers <list>', 'bootstrap brokers, host:port[,host:port]')
      .option('--group <id>', 'consumer group: processes in one group share the partitions', 'sm-ingest')
      .option('--topics <list>', 'topics to land', 'listen_events,page_view_events,auth_events,status_change_events')
      .option('--topic-prefix <prefix>', 'Kafka topic = prefix + topic', '')
      .option('--schema <name>', 'schema of the raw tables', 'raw')
      .option('--once', 'drain the lag present at start, then exit (what an Airflow task runs)')
      .option('--batch-size <n>', 'records per batch; a transaction lands one, or those that waited for the warehouse up to 64 MiB of values (with --once, as few transactions as that allows)', '20000')
      .option('--batch-ms <ms>', 'land a non-empty batch at least this often', '1000')
      .option('--retry-for <seconds>', 'how long Kafka may stay unreachable (at start or mid-stream) before giving up with exit 1', '120'),
  ).action(async (flags: TargetFlags & { brokers: string; group: string; topics: string; topicPrefix: string; schema: string; once?: boolean; batchSize: string; batchMs: string; retryFor: string }) => {
    const [{ ingestKafka, KafkaUnavailableError }, { TOPICS }] = await Promise.all([import('@smsql/ingest/kafka'), import('@smsql/ingest')]);
    const topics = flags.topics.split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = topics.filter((t) => !(TOPICS as readonly string[]).includes(t));
    if (unknown.length) throw usageError(`Unknown topic ${unknown.join(', ')}; the raw tables are ${TOPICS.join(', ')}`);
    if (!topics.length) throw usageError(`--topics names no topic; give some of ${TOPICS.join(', ')} (all of them when left out)`);
    const projectDir = resolve(flags.projectDir);
    checkSchema(flags.schema);
    const retryForMs = parseWhole(flags.retryFor, '--retry-for') * 1000;
    const brokers = parseBrokers(flags.brokers);
    const { project, adapter, session } = await openTarget({ projectDir, profilesDir: flags.profilesDir, target: flags.target, adapters: builtinAdapters });
    const json = flags.logFormat === 'json';
    try {
      const conn = await session.acquire();
      const r = await ingestKafka({
        adapter,
        landingOptions: project.target.landing,
        retryForMs,
        brokers,
        groupId: flags.group,
        topics: topics as never,
        topicPrefix: flags.topicPrefix,
        connection: conn,
        schema: flags.schema,
        once: !!flags.once,
        batchSize: parseWhole(flags.batchSize, '--batch-size', 1),
        batchMs: parseWhole(flags.batchMs, '--batch-ms'),
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.output.out(json ? JSON.stringify({ event: 'ingest_progress', ...p }) : `landed ${p.rows} rows (${p.deadLetters} dead letters, ${p.replayed} replayed), lag ${p.lag}, ${Math.round(p.recordsPerSecond)} records/s`),
        onWarning: (m) => ctx.output.err(json ? JSON.stringify({ event: 'ingest_warning', message: m }) : `warning: ${m}`),
      }).catch((e: unknown) => {
        // Kafka away longer than the retry window: a failed run (exit 1) with its one-line cause, not a crash.
        if (!(e instanceof KafkaUnavailableError)) throw e;
        ctx.output.err(json ? JSON.stringify({ event: 'ingest_error', code: e.code, message: e.message }) : `error: ${e.message}`);
        ctx.exitCode = 1;
        return undefined;
      });
      session.release(conn);
      if (!r) return;
      ctx.output.out(json ? JSON.stringify({ event: 'ingest_finished', ...r }) : `Done: ${r.rows} rows, ${r.deadLetters} dead letters, ${r.replayed} replayed, stopped by ${r.stoppedBy}`);
    } finally {
      await session.close();
    }
  });

  ingest
    .command('produce')
    .description('write generated Eventsim events straight to Kafka (no key, JSON values)')
    .requiredOption('--brokers <list>', 'bootstrap brokers, host:port[,host:port]')
    .option('--users <n>', 'simulated people', '200')
    .option('--start <date>', 'start (inclusive, UTC)', '2026-11-01')
    .option('--end <date>', 'end (exclusive, UTC)', '2026-11-02')
    .option('--seed <n>', 'random seed', '42')
    .option('--partitions <n>', 'partitions of topics created', '3')
    .option('--topic-prefix <prefix>', 'Kafka topic = prefix + topic', '')
    .option('--realtime', 'send each event when its timestamp comes round instead of as fast as possible')
    .action(async (flags: { brokers: string; users: string; start: string; end: string; seed: string; partitions: string; topicPrefix: string; realtime?: boolean }) => {
      const [{ generateEvents }, { produceEvents }] = await Promise.all([import('@smsql/ingest'), import('@smsql/ingest/kafka')]);
      const start = parseDate(flags.start, '--start');
      const end = parseDate(flags.end, '--end');
      if (end <= start) throw usageError('--end must be after --start');
      const events = generateEvents({ users: parseUsers(flags.users), start, end, seed: parseWhole(flags.seed, '--seed') });
      const r = await produceEvents({
        brokers: parseBrokers(flags.brokers),
        events,
        pace: flags.realtime ? 'realtime' : 'fast',
        partitions: parseWhole(flags.partitions, '--partitions', 1),
        topicPrefix: flags.topicPrefix,
        signal: ctx.signal,
      });
      ctx.output.out(`Produced ${r.sent} messages: ${Object.entries(r.byTopic).map(([t, n]) => `${t}=${n}`).join(' ')}`);
    });
}
