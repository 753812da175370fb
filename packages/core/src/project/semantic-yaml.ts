import { diag, type Diagnostic } from '../diagnostics.ts';
import type { SemanticResourceType, SourceLocation } from '../types.ts';
import type { YamlFile } from './yaml-file.ts';

/** A `semantic_models:`, `metrics:` or `saved_queries:` entry of a schema YAML file, as written (read into nodes by semantic-nodes.ts). */
export interface SemanticDecl {
  kind: SemanticResourceType;
  name: string;
  /** The YAML mapping as written. */
  raw: Record<string, unknown>;
  /** The YAML file, relative to the project (with a package's prefix). */
  file: string;
  location: SourceLocation;
}

const KEYS: readonly [string, SemanticResourceType][] = [['semantic_models', 'semantic_model'], ['metrics', 'metric'], ['saved_queries', 'saved_query']];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The semantic layer's entries of one schema YAML file; an entry without a `name:` is a diagnostic with its line. */
export function readSemantic(y: YamlFile, d: Record<string, unknown>, diagnostics: Diagnostic[]): SemanticDecl[] {
  const out: SemanticDecl[] = [];
  for (const [key, kind] of KEYS) {
    const list = d[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      diagnostics.push(diag('SM_SCHEMA_YAML', `\`${key}:\` must be a list of entries with \`name:\``, y.locate([key])));
      continue;
    }
    list.forEach((e, i) => {
      if (!isObj(e) || typeof e.name !== 'string' || !e.name) {
        diagnostics.push(diag('SM_SCHEMA_YAML', `Each entry of \`${key}:\` needs a \`name:\``, y.locate([key, i])));
        return;
      }
      out.push({ kind, name: e.name, raw: e, file: y.file, location: y.locate([key, i]) });
    });
  }
  return out;
}
