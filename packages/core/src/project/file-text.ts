/** Python's whitespace for `str.strip()` (JavaScript's `trim()` also strips U+FEFF and keeps U+001C-U+001F and U+0085). */
function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * A file's text as dbt keeps it: stripped of leading and trailing whitespace, which is what its
 * `raw_code` shows and its checksum hashes (so `state:modified` against a manifest dbt wrote
 * finds an unchanged file unchanged). sm renders the file as it is, so that lines keep their numbers.
 */
export function dbtFileText(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s.charCodeAt(start))) start++;
  while (end > start && isPySpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * The template dbt renders for a node: its file's stripped text ({@link dbtFileText}), so a model
 * whose first line is `{{ config(...) }}` compiles to text starting `\n`, as dbt 1.11 writes it;
 * a snapshot block's body as it is (its raw_code). What is before it stays for a Jinja comment's
 * left trim to eat (`{#- #}`), so that an error's line is still the file's.
 */
export function dbtTemplateText(n: { rawCode: string; resourceType: string; bodyStart?: number | undefined }): string {
  const text = n.resourceType === 'snapshot' ? n.rawCode.slice(n.bodyStart ?? 0) : dbtFileText(n.rawCode);
  const lead = text ? n.rawCode.lastIndexOf(text) : 0;
  return lead > 0 ? `${n.rawCode.slice(0, lead)}{#- #}${text}` : text;
}
