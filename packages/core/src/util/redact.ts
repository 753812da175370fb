/** Replace every secret value in `text` with asterisks; short values are left (they would match everywhere). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('****');
  return out;
}
