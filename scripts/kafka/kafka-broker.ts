/**
 * A real single-node Apache Kafka broker (KRaft, combined broker+controller) for tests and
 * benchmarks: jars from Maven Central (see install.sh), a temp log dir, 127.0.0.1 only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_KAFKA_VERSION = '4.2.0';

export interface KafkaBrokerOptions {
  /** Kafka version to run. Default `$SM_KAFKA_VERSION` or {@link DEFAULT_KAFKA_VERSION}. */
  readonly version?: string;
  /** Directory holding server.properties and the log dir. Default: a new temp dir, deleted on stop. Reusing one restarts the same broker with its data. */
  readonly dir?: string;
  /** Client port. Default: a random free port. Pass the previous broker's to restart it where clients expect it. */
  readonly port?: number;
  /** Controller port. Default: a random free port. */
  readonly controllerPort?: number;
  /** `num.partitions` for topics created without a count. Default 1. */
  readonly partitions?: number;
  /** Delete `dir` when stopped without `keepData`. Default: true when `dir` was not given. */
  readonly deleteOnStop?: boolean;
  /** How long to wait for the broker to serve. Default 90 s (a cold JVM on 2 cores). */
  readonly startTimeoutMs?: number;
}

export interface KafkaBroker {
  /** `127.0.0.1:<port>`. */
  readonly bootstrap: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
  /** Options that start this same broker again (same dir, ports and data). */
  readonly restartOptions: KafkaBrokerOptions;
  /**
   * Stops the broker: SIGTERM (then SIGKILL after a grace period), or at once with `kill`, as a
   * crash would. `keepData` keeps the dir for a restart.
   */
  stop(opts?: { keepData?: boolean; kill?: boolean }): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The cached jar directory, downloading it first through install.sh when missing. */
export function kafkaLibs(version: string = process.env.SM_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION): string {
  const cache = process.env.SM_KAFKA_CACHE ?? join(homedir(), '.cache', 'sm-kafka');
  const libs = join(cache, version, 'libs');
  if (existsSync(join(libs, '.complete'))) return libs;
  const res = spawnSync('bash', [join(here, 'install.sh')], {
    env: { ...process.env, SM_KAFKA_VERSION: version, SM_KAFKA_CACHE: cache },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (res.status !== 0 || !existsSync(join(libs, '.complete'))) {
    throw new Error(
      `Could not fetch Kafka ${version} jars into ${libs} (scripts/kafka/install.sh exited ${res.status}).\n` +
        `It needs mvn, java 17+ and access to Maven Central. Output:\n${res.stderr}${res.stdout}`,
    );
  }
  return libs;
}

/**
 * `count` distinct free ports. Every probe socket stays open until all are chosen: closing one
 * before asking for the next lets the kernel hand the same port out twice, and a broker whose
 * client and controller listeners share a port cannot be formatted (CI failed that way once).
 */
export async function freePorts(count: number, exclude: readonly number[] = []): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const srv = createServer();
      servers.push(srv);
      const port = await new Promise<number>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
          const addr = srv.address();
          resolve(typeof addr === 'object' && addr ? addr.port : 0);
        });
      });
      if (port !== 0 && !exclude.includes(port) && !ports.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function serverProperties(o: { port: number; controllerPort: number; dataDir: string; partitions: number }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${o.dataDir}`,
    `num.partitions=${o.partitions}`,
    // A single node cannot hold three replicas of the internal topics.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=3',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests join groups constantly; the default 3 s delay per join would dominate their time.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose by the producer; a typo must not silently create one.
    'auto.create.topics.enable=false',
    // After a kill, the restarted broker waits for its previous registration to expire; keep that short.
    'broker.session.timeout.ms=2000',
    'broker.heartbeat.interval.ms=500',
    // Consumers in tests use short sessions so a killed member's partitions move quickly.
    'group.min.session.timeout.ms=1000',
    'log.segment.bytes=1048576',
    'log.retention.check.interval.ms=60000',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    '',
  ].join('\n');
}

const LOG4J2 = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = INFO',
  'rootLogger.appenderRef.out.ref = out',
  // State-change and request logs are noise at INFO for a test broker.
  'logger.kafka.name = kafka',
  'logger.kafka.level = INFO',
  'logger.state.name = state.change.logger',
  'logger.state.level = WARN',
  // Every config object logs all its values at INFO (~15 KB each); they would push the lines that
  // say why a broker or the format step failed out of the error message's tail.
  'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
  'logger.config.level = WARN',
  '',
].join('\n');

function java(libs: string, logConfig: string): string[] {
  return [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${logConfig}`,
    '-cp',
    join(libs, '*'),
  ];
}

/** The last `max` characters of a process's output, for an error message. */
function outputTail(label: string, text: string | null | undefined, max = 3000): string {
  const t = (text ?? '').trimEnd();
  if (t === '') return '';
  return `--- ${label}${t.length > max ? ` (last ${max} characters)` : ''}:\n${t.slice(-max)}\n`;
}

/**
 * Formats a new KRaft log dir with a fresh cluster id; a failure throws with the exit status or
 * signal and the output, error lines last.
 */
function formatLogDir(libs: string, logConfig: string, props: string, dataDir: string): void {
  // A Kafka cluster id is a UUID printed as 22 characters of URL-safe base64.
  const clusterId = randomBytes(16).toString('base64url');
  const fmt = spawnSync(
    'java',
    [...java(libs, logConfig), 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '--config', props],
    { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' },
  );
  if (fmt.status === 0 && existsSync(join(dataDir, 'meta.properties'))) return;
  const how = fmt.error
    ? `could not run java: ${fmt.error.message}`
    : fmt.signal
      ? `killed by ${fmt.signal}${fmt.signal === 'SIGKILL' ? ' (timed out after 120 s, or out of memory)' : ''}`
      : fmt.status === 0
        ? 'exit 0 but no meta.properties was written'
        : `exit ${fmt.status}`;
  throw new Error(`Formatting the KRaft log dir ${dataDir} failed: ${how}\n${outputTail('stdout', fmt.stdout)}${outputTail('stderr', fmt.stderr)}`);
}

/** Starts a broker and resolves once it accepts connections and reports itself started. Rejects loudly otherwise. */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const version = opts.version ?? process.env.SM_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  const libs = kafkaLibs(version);
  const given = [opts.port, opts.controllerPort].filter((p): p is number => p !== undefined);
  const fresh = await freePorts(2 - given.length, given);
  const port = opts.port ?? fresh.shift()!;
  const controllerPort = opts.controllerPort ?? fresh.shift()!;
  if (port === controllerPort) {
    throw new Error(`Kafka broker: the client port and the controller port are both ${port}; KRaft needs two different ports.`);
  }
  const ownsDir = opts.deleteOnStop ?? opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sm-kafka-'));
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const props = join(dir, 'server.properties');
  const logConfig = join(dir, 'log4j2.properties');
  writeFileSync(props, serverProperties({ port, controllerPort, dataDir, partitions: opts.partitions ?? 1 }));
  writeFileSync(logConfig, LOG4J2);

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    try {
      formatLogDir(libs, logConfig, props, dataDir);
    } catch (e) {
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  const child = spawn('java', [...java(libs, logConfig), 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep the tail of the output for the error message when the broker does not come up.
  let tail = '';
  let started = false;
  const onData = (b: Buffer) => {
    const s = b.toString('utf8');
    tail = (tail + s).slice(-8000);
    if (!started && /Kafka Server started/.test(tail)) started = true;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited: number | string | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, sig) => {
      exited = code ?? sig ?? 'unknown';
      resolve();
    }),
  );
  // A test runner that dies must not leave a JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000);
  while (!(started && (await canConnect(port)))) {
    if (exited !== null) {
      process.removeListener('exit', killOnExit);
      throw new Error(`Kafka broker exited (${exited}) before it started. Dir: ${dir}. Output tail:\n${tail}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exitPromise;
      process.removeListener('exit', killOnExit);
      throw new Error(`Kafka broker did not start within ${opts.startTimeoutMs ?? 90_000} ms on port ${port}. Output tail:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    controllerPort,
    dir,
    restartOptions: { version, dir, port, controllerPort, partitions: opts.partitions, deleteOnStop: ownsDir },
    async stop(stopOpts = {}) {
      if (exited === null) {
        child.kill(stopOpts.kill ? 'SIGKILL' : 'SIGTERM');
        const grace = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exitPromise;
        clearTimeout(grace);
      }
      process.removeListener('exit', killOnExit);
      if (ownsDir && !stopOpts.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}
