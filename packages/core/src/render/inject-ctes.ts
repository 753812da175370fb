/** Put ephemeral models in front of a query as CTEs, merging with a leading `with` if it has one. */
export function injectCtes(sql: string, ctes: [string, string][]): string {
  const defs = ctes.map(([name, body]) => `${name} as (\n${body}\n)`).join(',\n');
  const m = /^(\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*)with\s+(recursive\s+)?/i.exec(sql);
  if (m) return `${m[1]}with ${m[2] ?? ''}${defs},\n${sql.slice(m[0].length)}`;
  return `with ${defs}\n${sql}`;
}
