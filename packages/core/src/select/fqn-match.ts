/**
 * dbt's fqn selection method (QualifiedNameSelectorMethod): a node is selected when the
 * selector names its fqn, with its package or without, as dbt 1.11's `is_selected_node` decides.
 */

const patterns = new Map<string, RegExp>();

/** Python's fnmatch on POSIX (case-sensitive): `*` any text, dots too; `?` one character; `[seq]`, `[!seq]`. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '*') out += '[\\s\\S]*';
      else if (c === '?') out += '[\\s\\S]';
      else if (c === '[') {
        let j = i + 1;
        if (pattern[j] === '!') j++;
        if (pattern[j] === ']') j++;
        while (j < pattern.length && pattern[j] !== ']') j++;
        if (j >= pattern.length) out += '\\[';
        else {
          let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
          if (body.startsWith('!')) body = `^${body.slice(1)}`;
          else if (body.startsWith('^')) body = `\\${body}`;
          out += `[${body}]`;
          i = j;
        }
      } else out += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    try {
      re = new RegExp(`^${out}$`);
    } catch {
      re = /$^/;
    }
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(name);
}

const WILDCARD = /[*?[\]]/;

/**
 * dbt's `is_selected_node`: the leaf named exactly (a versioned model's name, or name and version
 * joined by `.` or `_`); else the selector's dot-separated parts equal the fqn's first parts, up to
 * a part with a wildcard, from which fnmatch reads the rest of the fqn joined by dots (so `*` spans
 * folders); a bare wildcard also matches the leaf alone.
 */
function isSelectedNode(fqn: readonly string[], selector: string, versioned: boolean): boolean {
  if (fqn.length === 0) return false;
  const parts = selector.split('.');
  if (versioned) {
    if (fqn.length >= 2 && fqn[fqn.length - 2] === selector) return true;
    if (fqn.slice(-2).join('_') === parts.slice(-2).join('_')) return true;
  } else if (fqn[fqn.length - 1] === selector) return true;
  const flat = fqn.flatMap((s) => s.split('.'));
  if (flat.length < parts.length) return false;
  const slurp = parts.findIndex((p) => WILDCARD.test(p));
  const fixed = slurp < 0 ? parts : parts.slice(0, slurp);
  if (!fixed.every((p, i) => flat[i] === p)) return false;
  if (slurp < 0) return true;
  if (fnmatch(flat.slice(slurp).join('.'), parts.slice(slurp).join('.'))) return true;
  if (!selector.includes('.')) return fnmatch(versioned ? fqn[fqn.length - 2] ?? '' : fqn[fqn.length - 1]!, selector);
  return false;
}

/** dbt's `node_is_match`: the selector against the fqn, then against it without the package (a name in any package). */
export function fqnSelects(fqn: readonly string[], selector: string, versioned: boolean): boolean {
  return isSelectedNode(fqn, selector, versioned) || isSelectedNode(fqn.slice(1), selector, versioned);
}
