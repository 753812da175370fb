import { closestNames } from '../diagnostics.ts';

/** Helpers that find where in a node's source a problem is, and suggest names, for diagnostics. */

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line of the first match, or undefined. */
export function lineOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return text.slice(0, m.index).split('\n').length;
}

export function refPattern(name: string): RegExp {
  return new RegExp(`ref\\s*\\(\\s*(?:['"][^'"]*['"]\\s*,\\s*)?['"]${escapeRe(name)}['"]`);
}

export function sourcePattern(source: string, table: string): RegExp {
  return new RegExp(`source\\s*\\(\\s*['"]${escapeRe(source)}['"]\\s*,\\s*['"]${escapeRe(table)}['"]`);
}

export function hintFor(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates);
  return close.length ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : 'Check the name; no close match exists.';
}
