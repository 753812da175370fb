import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { withPyBooleans, yamlLib } from '../util/yaml-lib.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { readSourceText } from './source-text.ts';
import type { SourceLocation } from '../types.ts';
import { parseFastYaml } from './yaml-fast.ts';
import { indentQuotedContinuations } from './yaml-quoted-indent.ts';

/** A parsed YAML file that can say where any of its values came from. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  /** Location of the value at `path` (keys and sequence indexes); the nearest parent when absent. */
  locate(path: readonly (string | number)[]): SourceLocation;
}

const DEEP = 'YAML nested too deeply to read (lists or mappings inside each other thousands of levels down)';
const DEEP_HINT = 'No sm or dbt file needs such nesting: look for a generated or corrupted file.';

/** The parser ran out of stack: it recurses once per level of nesting. */
const tooDeep = (e: unknown): boolean => e instanceof Error && (e instanceof RangeError || e.message.includes('Maximum call stack size exceeded'));

/** Parse a YAML file; syntax problems become SM_YAML diagnostics with line and column. */
export function readYamlFile(absPath: string, relPath: string, diagnostics: Diagnostic[], text?: string): YamlFile | undefined {
  const src = text ?? readSourceText(absPath, relPath);
  return parseYamlText(src, relPath, diagnostics);
}

/**
 * Parse YAML text. The common block-style subset (most schema files) goes through a small reader
 * of our own that gives the same data and locations as `yaml` at a fraction of the cost (a third
 * of a cold 10,000-model load was `yaml`); anything else, errors included, goes to `yaml`.
 */
/**
 * What to say about a key repeated in one mapping (the last one is used, as PyYAML does): dbt warns
 * (DuplicateYAMLKeysDeprecation) in project and schema files, and reads the others silently.
 */
export type RepeatedKeys = 'warn' | 'accept';

export function parseYamlText(text: string, relPath: string, diagnostics: Diagnostic[], repeated: RepeatedKeys = 'accept'): YamlFile | undefined {
  // As dbt reads every file (load_file_contents strips it): a block scalar that ends the file keeps no final newline.
  const src = text.trimEnd();
  const fast = parseFastYaml(src);
  if (!fast) return parseYamlTextWithYaml(src, relPath, diagnostics, repeated);
  return {
    file: relPath,
    data: fast.data,
    locate(path) {
      const at = fast.locate(path);
      return at ? { file: relPath, line: at.line, column: at.column } : { file: relPath };
    },
  };
}

/** parseYamlText by the `yaml` package alone: the reference the fast reader is tested against. */
export function parseYamlTextWithYaml(text: string, relPath: string, diagnostics: Diagnostic[], repeated: RepeatedKeys = 'accept'): YamlFile | undefined {
  let src = text.trimEnd();
  const { LineCounter, parseDocument } = yamlLib();
  let lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    // As PyYAML reads them for dbt: `<<` merges a mapping in, and a repeated key's last value is used.
    doc = parseDocument(src, { lineCounter, uniqueKeys: false, merge: true, prettyErrors: false, customTags: withPyBooleans });
    // PyYAML reads a quoted scalar whose continuation lines are indented too little: so does sm, when that is all that is wrong.
    const indented = doc.errors.length ? indentQuotedContinuations(src) : undefined;
    if (indented) {
      const again = new LineCounter();
      const retry = parseDocument(indented, { lineCounter: again, uniqueKeys: false, merge: true, prettyErrors: false, customTags: withPyBooleans });
      if (!retry.errors.length) [doc, src, lineCounter] = [retry, indented, again];
    }
  } catch (e) {
    if (!tooDeep(e)) throw e;
    diagnostics.push(diag('SM_YAML', DEEP, { file: relPath }, { hint: DEEP_HINT }));
    return undefined;
  }
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      const deep = tooDeep(e);
      diagnostics.push(
        diag('SM_YAML', deep ? DEEP : `YAML syntax error: ${e.message.split('\n')[0]}`, { file: relPath, line: pos?.line, column: pos?.col }, {
          hint: deep ? DEEP_HINT : 'Fix the YAML syntax (indentation, a missing colon or quote) at the line shown.',
        }),
      );
    }
    return undefined;
  }
  // dbt's reader (PyYAML's safe loader) refuses a tag it has no constructor for (!!python/name:..., !custom); `yaml` only warns.
  const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tag) {
    const pos = tag.linePos?.[0] ?? lineCounter.linePos(tag.pos[0]);
    diagnostics.push(
      diag('SM_YAML', `YAML tag not known: ${tag.message.split('\n')[0]}`, { file: relPath, line: pos?.line, column: pos?.col }, {
        hint: 'Remove the tag (!!name or !name) before the value, or quote the value to keep it as text.',
      }),
    );
    return undefined;
  }
  if (repeated === 'warn') warnRepeatedKeys(doc, lineCounter, relPath, diagnostics);
  // A block scalar that ends the text: `yaml` gives it a final newline the text does not have, PyYAML (dbt) none.
  if (!src.endsWith('\n')) {
    yamlLib().visit(doc, {
      Scalar(_key, n) {
        if ((n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED') && n.range?.[1] === src.length && typeof n.value === 'string' && n.value.endsWith('\n')) n.value = n.value.slice(0, -1);
      },
    });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    if (tooDeep(e)) {
      diagnostics.push(diag('SM_YAML', DEEP, { file: relPath }, { hint: DEEP_HINT }));
      return undefined;
    }
    // yaml refuses aliases that expand without bound (a "billion laughs" file) while building values.
    diagnostics.push(
      diag('SM_YAML', `YAML could not be read: ${(e as Error).message}`, { file: relPath }, {
        hint: 'Use fewer aliases (*name) in this file; each may expand into many copies of its anchor.',
      }),
    );
    return undefined;
  }
  if (containsItself(data)) {
    diagnostics.push(
      diag('SM_YAML', 'YAML refers to itself: an anchor (&name) is used inside its own value (*name), so the value never ends', { file: relPath }, {
        hint: 'Use the alias (*name) only outside the value that defines its anchor.',
      }),
    );
    return undefined;
  }
  return {
    file: relPath,
    data,
    locate(path) {
      return locateIn(doc, lineCounter, relPath, path);
    },
  };
}

/**
 * dbt's DuplicateYAMLKeysDeprecation for each key a mapping repeats (its own, or one it also merges
 * in with `<<`), except in a mapping that starts with `<<`, where dbt takes overrides as meant.
 */
function warnRepeatedKeys(doc: Document, lc: LineCounter, file: string, diagnostics: Diagnostic[]): void {
  const { visit, isScalar, isMap, isAlias } = yamlLib();
  const keyOf = (k: unknown) => (isScalar(k) ? k.value : k);
  // With merge on, `yaml` gives the key `<<` (unquoted) a symbol for its value.
  const isMerge = (k: unknown) => typeof keyOf(k) === 'symbol';
  visit(doc, {
    Map(_key, map) {
      if (!map.items.length || isMerge(map.items[0]!.key)) return;
      // PyYAML puts the merged keys first, then the mapping's own: a key of its own already there is repeated.
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isMerge(pair.key)) continue;
        const v = pair.value as { items?: unknown[] } | null;
        for (const m of isAlias(v) || isMap(v) ? [v] : (v?.items ?? [])) {
          const target = isAlias(m) ? m.resolve(doc) : m;
          if (isMap(target)) for (const p of target.items) seen.add(keyOf(p.key));
        }
      }
      for (const pair of map.items) {
        if (isMerge(pair.key)) continue;
        const key = keyOf(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const pos = isScalar(pair.key) && pair.key.range ? lc.linePos(pair.key.range[0]) : undefined;
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'a mapping';
        diagnostics.push(
          diag('SM_YAML', `Duplicate key '${String(key)}': the last one is used`, { file, line: pos?.line, column: pos?.col }, {
            severity: 'warning',
            event: 'DuplicateYAMLKeysDeprecation',
            eventData: { duplicate_description: `Duplicate key '${String(key)}' in "<unicode string>", ${where}`, file },
            hint: 'Remove all but one: dbt warns of repeated keys and will stop accepting them.',
          }),
        );
      }
    },
  });
}

function locateIn(doc: Document, lc: LineCounter, file: string, path: readonly (string | number)[]): SourceLocation {
  const { isMap, isSeq, isScalar } = yamlLib();
  let node: unknown = doc.contents;
  let best: YamlNode | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      // A repeated key's value is its last one's.
      const pair = node.items.findLast((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      best = (isScalar(pair.key) ? pair.key : best) as YamlNode;
      node = pair.value;
      if (node && (node as YamlNode).range) best = isScalar(pair.key) ? (pair.key as YamlNode) : (node as YamlNode);
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (node && (node as YamlNode).range) best = node as YamlNode;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return { file };
  const pos = lc.linePos(offset);
  return { file, line: pos.line, column: pos.col };
}

/** Whether a value read from YAML contains itself (an anchor aliased inside its own value); dbt 1.11 refuses that file. */
function containsItself(v: unknown, open = new Set<object>()): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (open.has(v)) return true;
  open.add(v);
  const found = (Array.isArray(v) ? v : Object.values(v)).some((x) => containsItself(x, open));
  open.delete(v);
  return found;
}
