/** Replace every secret value in `text` with asterisks; short values are left (they would match everywhere). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('****');
  return out;
}

/** Whether JSON `text` holds one of the secrets (as written in JSON: escaped), the short ones aside as in {@link redact}. */
export function jsonHoldsSecret(text: string, secrets: readonly string[]): boolean {
  return secrets.some((s) => s.length >= 4 && text.includes(JSON.stringify(s).slice(1, -1)));
}

/** {@link redact} for JSON text: each secret as JSON writes it (escaped), so `"` or `\\` in a secret cannot hide it. */
export function redactJson(text: string, secrets: readonly string[]): string {
  return redact(text, secrets.map((s) => JSON.stringify(s).slice(1, -1)));
}
