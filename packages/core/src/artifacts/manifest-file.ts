import { createHash } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { jsonKeyValueAt, jsonObjectEntriesAt, jsonStringEnd, jsonText, objectText } from '../util/json-text.ts';
import { redact, redactJson } from '../util/redact.ts';
import { writeNow, type FileSink } from '../util/background-writer.ts';
import { makeDirs } from '../util/make-dirs.ts';
import { invocationStart, pythonIsoTime } from './invocation.ts';

/**
 * What the last full write of manifest.json was made from, so the next compile of the same
 * inputs can reuse its bytes: the project's input digest, and the file's size and modification
 * time as written (a file changed since is written afresh).
 */
interface Record_ {
  digest: string;
  size: number;
  mtimeMs: number;
  /** Bytes of `{"metadata":{...},` at the start of the file. */
  prefix: number;
  /** Kept aside with a semantic_manifest.json (see {@link keepAside}). */
  semantic?: boolean;
}

const HEAD = '{"metadata":';

/**
 * Write target/manifest.json. With a `digest` (the project's input digest, given only when
 * nothing rendered read the environment or the clock) equal to the one the file was last
 * written from, only the earlier file's metadata (generated_at, invocation_id) is rewritten, in
 * place: a 10,000-model manifest is ~45 MB of JSON, and building and serializing it was a fifth
 * of a warm compile. Otherwise `build()` makes it afresh and the file is replaced atomically
 * (temporary file and rename).
 */
export function writeManifest(
  targetDir: string,
  digest: string | undefined,
  meta: { invocationId: string; generatedAt: string },
  build: () => Record<string, unknown>,
  /** The project's secrets, asked for only when the file is built (a warm start resolves them lazily). */
  secrets: () => readonly string[] = () => [],
  /** Where the file goes: at once, or on a writer thread (the record of it follows the file). */
  sink: FileSink = writeNow,
): 'reused' | 'written' {
  if (reuseManifest(targetDir, digest, meta)) return 'reused';
  const path = join(targetDir, 'manifest.json');
  const recPath = join(targetDir, '.sm', 'manifest.json.source.json');
  keepAside(targetDir);
  const { metadata, ...rest } = build();
  const head = `${HEAD}${jsonText(metadata)},`;
  // Compiled code is redacted node by node; this catches the rest (a secret typed into a model's raw code, a description...).
  const body = redactJson(objectText(rest), secrets());
  // The old record goes first: until the new file is in place, nothing may reuse the old one.
  rmSync(recPath, { force: true });
  sink.write(path, body === '{}' ? `${head.slice(0, -1)}}` : head + body.slice(1), () => {
    if (digest) saveRecord(recPath, { digest, prefix: Buffer.byteLength(head), ...stamp(path) });
  });
  return 'written';
}

/**
 * The reuse half of {@link writeManifest}: true when manifest.json was written from `digest`
 * and is as written, and its metadata now carries `meta`; false when it must be built.
 */
export function reuseManifest(targetDir: string, digest: string | undefined, meta: { invocationId: string; generatedAt: string }): boolean {
  const path = join(targetDir, 'manifest.json');
  const recPath = join(targetDir, '.sm', 'manifest.json.source.json');
  let rec = digest ? readRecord(recPath) : undefined;
  if (digest && !(rec && rec.digest === digest && sameFile(path, rec)) && takeBack(targetDir, digest)) rec = readRecord(recPath);
  if (rec && digest && rec.digest === digest && sameFile(path, rec)) {
    const prefix = reusedPrefix(path, rec, meta);
    if (prefix !== undefined) {
      // The same number of bytes over the old metadata, in place: copying 45 MB to change 80 of
      // them was a tenth of a warm compile. The file stays valid JSON at every moment (a reader
      // racing the write could at worst see old and new characters of the id and time mixed).
      const fd = openSync(path, 'r+');
      try {
        writeSync(fd, prefix, 0, 'utf8');
      } finally {
        closeSync(fd);
      }
      saveRecord(recPath, { ...rec, ...stamp(path) });
      return true;
    }
  }
  return false;
}

/** The earlier file's metadata with this invocation's id and time, if it is as long as before. */
function reusedPrefix(path: string, rec: Record_, meta: { invocationId: string; generatedAt: string }): string | undefined {
  const buf = Buffer.alloc(rec.prefix);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, buf, 0, rec.prefix, 0) !== rec.prefix) return undefined;
  } finally {
    closeSync(fd);
  }
  const text = buf.toString('utf8');
  if (!text.startsWith(HEAD) || !text.endsWith(',')) return undefined;
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(text.slice(HEAD.length, -1)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const started = invocationStart(meta.invocationId);
  const next = `${HEAD}${JSON.stringify({
    ...metadata,
    generated_at: meta.generatedAt,
    invocation_id: meta.invocationId,
    ...('invocation_started_at' in metadata ? { invocation_started_at: pythonIsoTime(started, 'Z') } : {}),
    ...('run_started_at' in metadata ? { run_started_at: pythonIsoTime(started, '+00:00') } : {}),
  })},`;
  return Buffer.byteLength(next) === rec.prefix ? next : undefined;
}

function stamp(path: string): { size: number; mtimeMs: number } {
  const st = statSync(path);
  return { size: st.size, mtimeMs: st.mtimeMs };
}

function sameFile(path: string, rec: Record_): boolean {
  if (!existsSync(path)) return false;
  const st = statSync(path);
  return st.size === rec.size && st.mtimeMs === rec.mtimeMs;
}

function readRecord(path: string): Record_ | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Record_;
    return typeof r.digest === 'string' && typeof r.prefix === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

function saveRecord(path: string, r: Record_): void {
  makeDirs(dirname(path));
  writeFileSync(path, JSON.stringify(r));
}

/**
 * Whether a file written from `digest` (see {@link writeManifest}) is still as written: lets a
 * compile skip recomputing and rewriting artifacts that depend on the inputs alone.
 */
export function unchangedSince(targetDir: string, file: string, digest: string | undefined): boolean {
  if (!digest) return false;
  const rec = readRecord(join(targetDir, '.sm', `${file}.source.json`));
  return !!rec && rec.digest === digest && sameFile(join(targetDir, file), rec);
}

/** Record that `file` in `targetDir` was just written from `digest` (nothing recorded without one). */
export function markWrittenFrom(targetDir: string, file: string, digest: string | undefined): void {
  const recPath = join(targetDir, '.sm', `${file}.source.json`);
  if (!digest) return void rmSync(recPath, { force: true });
  saveRecord(recPath, { digest, prefix: 0, ...stamp(join(targetDir, file)) });
}

/**
 * After a run, in the manifest compile wrote: put the SQL each node ran in place of its compiled
 * code where they differ (an incremental model's incremental SQL, a template rendered again with
 * the connection), so that the manifest says what ran, as dbt's does after a run. Each entry is
 * found by its key in `nodes` (`"<id>":{`, which nothing else in the file writes) and its
 * `compiled_code` string replaced in the text; the rest of the file is not parsed. The file is
 * replaced atomically and its reuse record dropped (the file as compile wrote it is kept aside for
 * the next command with the same inputs). Returns
 * the ids patched.
 */
export function patchManifestCode(targetDir: string, codes: ReadonlyMap<string, string>, secrets: readonly string[]): string[] {
  const path = join(targetDir, 'manifest.json');
  if (!codes.size || !existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const nodesAt = text.indexOf('"nodes":{');
  if (nodesAt < 0) return [];
  const edits: { at: number; to: number; value: string; id: string }[] = [];
  // `codes` in the manifest's order is one sweep: an indexOf per id from the top was quadratic (minutes for a run of 10,000 models).
  for (const [id, open] of jsonObjectEntriesAt(text, nodesAt, codes.keys())) {
    const at = jsonKeyValueAt(text, open, 'compiled_code');
    if (at === undefined || text.charCodeAt(at) !== 0x22) continue;
    const value = JSON.stringify(redact(codes.get(id)!, secrets));
    const to = jsonStringEnd(text, at);
    if (text.slice(at, to) !== value) edits.push({ at, to, value, id });
  }
  if (!edits.length) return [];
  // One pass over the text, the edits in file order.
  edits.sort((a, b) => a.at - b.at);
  const parts: string[] = [];
  let from = 0;
  for (const e of edits) {
    parts.push(text.slice(from, e.at), e.value);
    from = e.to;
  }
  parts.push(text.slice(from));
  keepAside(targetDir);
  rmSync(join(targetDir, '.sm', 'manifest.json.source.json'), { force: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, parts.join(''));
  renameSync(tmp, path);
  return [...new Set(edits.map((e) => e.id))];
}

/** How many earlier manifests are kept aside: compile, run and ls/parse each write their own. */
const KEEP_ASIDE = 2;

function asideDir(targetDir: string, digest: string): string {
  return join(targetDir, '.sm', 'manifests', createHash('sha1').update(digest).digest('hex').slice(0, 20));
}

/**
 * Before manifest.json is replaced: if it is still as written from a digest, keep it, and the
 * semantic_manifest.json written with it, under that digest, by hard links (no bytes copied), so
 * that a later command with the same inputs takes it back ({@link takeBack}) instead of building
 * it. `sm compile` (compiled paths), `sm run` (hook numbering, and the SQL it ran patched in) and
 * `sm ls` write different manifests of the same project: alternating them rebuilt a 10,000-model
 * manifest (3 s) every time. Only the last {@link KEEP_ASIDE} are kept, besides `taking` (the one
 * {@link takeBack} is about to put back: evicting it made the take-back fail, and rebuild the
 * manifest, whenever it was the oldest); where the file system has no hard links nothing is kept.
 */
function keepAside(targetDir: string, taking?: string): void {
  const path = join(targetDir, 'manifest.json');
  const rec = readRecord(join(targetDir, '.sm', 'manifest.json.source.json'));
  if (!rec || !sameFile(path, rec)) return;
  const dir = asideDir(targetDir, rec.digest);
  const semantic = join(targetDir, 'semantic_manifest.json');
  try {
    rmSync(dir, { recursive: true, force: true });
    makeDirs(dir);
    linkSync(path, join(dir, 'manifest.json'));
    const withSemantic = existsSync(semantic);
    if (withSemantic) linkSync(semantic, join(dir, 'semantic_manifest.json'));
    saveRecord(join(dir, 'record.json'), { ...rec, semantic: withSemantic });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const root = join(targetDir, '.sm', 'manifests');
  const kept = readdirSync(root)
    .filter((name) => join(root, name) !== taking)
    .map((name) => ({ name, at: statSync(join(root, name, 'record.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.at - a.at);
  for (const old of kept.slice(KEEP_ASIDE)) rmSync(join(root, old.name), { recursive: true, force: true });
}

/**
 * Put back the manifest kept aside under `digest` (the current one is kept aside in its turn):
 * true when there was one, as written, and it is now manifest.json with its record.
 */
function takeBack(targetDir: string, digest: string): boolean {
  const dir = asideDir(targetDir, digest);
  const rec = readRecord(join(dir, 'record.json'));
  if (!rec || rec.digest !== digest || !sameFile(join(dir, 'manifest.json'), rec)) return false;
  const recPath = join(targetDir, '.sm', 'manifest.json.source.json');
  keepAside(targetDir, dir);
  // Nothing may reuse manifest.json while it is being swapped.
  rmSync(recPath, { force: true });
  try {
    const semantic = join(targetDir, 'semantic_manifest.json');
    if (rec.semantic) renameSync(join(dir, 'semantic_manifest.json'), semantic);
    else rmSync(semantic, { force: true });
    renameSync(join(dir, 'manifest.json'), join(targetDir, 'manifest.json'));
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { semantic: _, ...kept } = rec;
  saveRecord(recPath, kept);
  return true;
}
