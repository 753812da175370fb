import { isUtf8 } from 'node:buffer';
import { diag, SmProjectError } from '../diagnostics.ts';
import { readText } from '../util/read-text.ts';
import { firstInvalidUtf8, lineAtByte } from '../util/utf8.ts';

/**
 * A project file's text (SQL, YAML, Markdown, profiles.yml), which must be UTF-8 as dbt reads it:
 * dbt 1.11 stops with exit 2 on any other byte (UnicodeDecodeError). Decoding with replacement
 * would turn a Latin-1 'café' into 'caf\uFFFD' in the built table without a word.
 */
export function readSourceText(absPath: string, relPath: string): string {
  return sourceText(readText(absPath, 'buffer'), relPath);
}

/** {@link readSourceText} of bytes already read: their text, or the error naming the file and the line of the first byte UTF-8 does not allow. */
export function sourceText(bytes: Buffer, relPath: string): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const bad = firstInvalidUtf8(bytes);
  const line = bad >= 0 ? lineAtByte(bytes, bad) : undefined;
  throw new SmProjectError([
    diag('SM_PROJECT_INVALID', `The file is not valid UTF-8${line === undefined ? '' : `: line ${line} holds a byte that UTF-8 does not allow`}`, { file: relPath, ...(line === undefined ? {} : { line }) }, {
      hint: 'Save it as UTF-8 (for example: iconv -f latin1 -t utf-8), as dbt requires; sm does not guess encodings or replace bytes.',
    }),
  ]);
}
