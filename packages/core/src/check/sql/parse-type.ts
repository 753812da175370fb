import type { TypeName } from './ast.ts';
import type { Cursor } from './cursor.ts';

// Words that continue a multi-word type name after its first word.
const CONTINUES: Record<string, readonly string[]> = {
  double: ['precision'],
  character: ['varying'],
  char: ['varying'],
  national: ['character', 'char', 'varying'],
  timestamp: ['with', 'without', 'time', 'zone', 'local'],
  time: ['with', 'without', 'time', 'zone'],
  bit: ['varying'],
};

/** A type name in a cast: `int`, `decimal(12, 6)`, `double precision`, `varchar[]`, `struct(a int, b varchar)`, `timestamp with time zone`. */
export function parseType(c: Cursor): TypeName {
  const pos = c.tok.start;
  const first = c.ident();
  const words = [first.quoted ? first.name : first.name.toLowerCase()];
  const more = CONTINUES[words[0]!];
  if (more) {
    while (c.tok.kind === 'ident' && more.includes(c.tok.kw)) {
      // `time` after `timestamp with` belongs to the type; a bare `timestamp time` never occurs.
      words.push(c.next().kw);
    }
  }
  const name = words.join(' ');
  let params: number[] = [];
  let fields: { name: string; type: TypeName }[] | undefined;
  if (c.isOp('(')) {
    if (name === 'struct' || name === 'row' || name === 'union' || name === 'object') {
      c.next();
      fields = [];
      if (!c.isOp(')')) {
        do {
          const f = c.ident();
          fields.push({ name: f.name, type: parseType(c) });
        } while (c.eatOp(','));
      }
      c.expectOp(')');
    } else if (name === 'map' || name === 'list' || name === 'array') {
      c.next();
      fields = [];
      if (!c.isOp(')')) {
        do fields.push({ name: '', type: parseType(c) });
        while (c.eatOp(','));
      }
      c.expectOp(')');
    } else {
      c.next();
      params = [];
      do {
        const t = c.next();
        // varchar(max), number(*, 0): not numbers, kept as 0.
        params.push(t.kind === 'number' ? Number(t.text) : 0);
      } while (c.eatOp(','));
      c.expectOp(')');
    }
  }
  // `timestamp(3) with time zone`.
  if (c.isKw('with', 'without') && (name === 'timestamp' || name === 'time')) {
    const tail: string[] = [];
    while (c.tok.kind === 'ident' && ['with', 'without', 'local', 'time', 'zone'].includes(c.tok.kw)) tail.push(c.next().kw);
    return finish(c, { name: `${name} ${tail.join(' ')}`, params, fields, pos });
  }
  return finish(c, { name, params, fields, pos });
}

function finish(c: Cursor, t: { name: string; params: number[]; fields?: { name: string; type: TypeName }[] | undefined; pos: number }): TypeName {
  let arrayDims = 0;
  while (c.isOp('[') && (c.isOpAt(1, ']') || c.peek().kind === 'number')) {
    c.next();
    if (c.tok.kind === 'number') c.next();
    c.expectOp(']');
    arrayDims++;
  }
  return { ...t, arrayDims };
}
