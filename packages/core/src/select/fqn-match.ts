/**
 * dbt's fqn selection method (QualifiedNameSelectorMethod): a node is selected when the
 * selector names its fqn, with its package or without, as dbt 1.11's `is_selected_node` decides.
 */

const patterns = new Map<string, RegExp>();

/** Python's fnmatch on POSIX (case-sensitive): `*` any text, dots too; `?` one character; `[seq]`, `[!seq]`. */
export function fnmatch(name: string, pattern: string): boolean {
  let re: RegExp;
  try {
    re = fnmatchRegex(pattern);
  } catch {
    re = /$^/;
    patterns.set(pattern, re);
  }
  return re.test(name);
}

/** The pattern as a regular expression; throws when V8 cannot compile it (only size can make it fail: a pasted blob, not a name). */
export function fnmatchRegex(pattern: string): RegExp {
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
      // A class Python accepts and JavaScript does not (`[z-a]`) matches nothing.
      re = /$^/;
    }
    // V8 compiles on first use: fail here, not on the first node.
    re.test('');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re;
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

/** An fqn part up to its first dot (the first of the parts `isSelectedNode` splits it into). */
function head(part: string): string {
  const dot = part.indexOf('.');
  return dot < 0 ? part : part.slice(0, dot);
}

/**
 * dbt's `node_is_match`: the selector against the fqn, then against it without the package (a name
 * in any package). Made once per selector: selection asks it of every node, and the common selector
 * (`-s name`: no dot, no wildcard) on an unversioned node is answered without building any array —
 * the same answer `isSelectedNode` gives: the leaf, or the first part of the fqn with or without
 * its package.
 */
export function fqnMatcher(selector: string): (fqn: readonly string[], versioned: boolean) => boolean {
  const simple = !selector.includes('.') && !WILDCARD.test(selector);
  return (fqn, versioned) => {
    if (simple && !versioned) {
      const n = fqn.length;
      return n > 0 && (fqn[n - 1] === selector || head(fqn[0]!) === selector || (n > 1 && head(fqn[1]!) === selector));
    }
    return fqnSelectsByParts(fqn, selector, versioned);
  };
}

/** `node_is_match` by the general rule, for any selector (what the matcher's quick answer must equal). */
export function fqnSelectsByParts(fqn: readonly string[], selector: string, versioned: boolean): boolean {
  return isSelectedNode(fqn, selector, versioned) || isSelectedNode(fqn.slice(1), selector, versioned);
}
