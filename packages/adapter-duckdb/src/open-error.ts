import { SmProjectError } from '@smsql/core';

/**
 * DuckDB's error on opening a database file, as a project error (exit 2) when the file itself is
 * the problem: not a DuckDB database, written by an incompatible DuckDB version, locked by
 * another process, not a file, not writable, or a setting that needs a missing extension.
 * Names the file, says what is wrong and what to do.
 */
export function openError(e: unknown, path: string, targetName: string): SmProjectError {
  const raw = e instanceof Error ? e.message : String(e);
  const detail = raw.replace(/^IO Error:\s*/, '').split('\n')[0]!.trim();
  const fix = `Delete ${path} and run again (sm builds it anew; data landed with sm ingest load must be landed again), or point \`path:\` of target "${targetName}" in profiles.yml at another file.`;
  let message: string;
  let hint = fix;
  if (/not a valid DuckDB database file/i.test(raw)) {
    message = `${path} is not a DuckDB database file, so target "${targetName}" cannot open it`;
  } else if (/database file with version number|created with a newer version|created with an older version|storage version/i.test(raw)) {
    const made = /created with DuckDB version ([^\n]+?)\.?\n/i.exec(raw)?.[1] ?? /created with (a (?:newer|older) version of DuckDB)/i.exec(raw)?.[1];
    message = `${path} was written by a DuckDB version this sm cannot read${made ? ` (${made})` : ''}: ${detail}`;
    hint = `${fix} To keep its data, open it with the DuckDB that wrote it and EXPORT DATABASE, then IMPORT DATABASE into a new file.`;
  } else if (/Corrupt database file|checksum/i.test(raw)) {
    message = `${path} is damaged (${detail}), so target "${targetName}" cannot open it`;
  } else if (/Could not set lock on file/i.test(raw)) {
    const holder = /Conflicting lock is held in (.+?)(?:\. See also|$)/m.exec(raw)?.[1];
    message = `${path} is in use by another process${holder ? ` (${holder})` : ''}; DuckDB lets one process write a database file at a time`;
    hint = 'Wait for the other sm (or DuckDB) process to finish, or stop it, then run again.';
  } else if (/extension/i.test(raw) && /setting|set the/i.test(raw)) {
    const setting = /set the (\w+) setting/i.exec(raw)?.[1];
    message = `Target "${targetName}" cannot open ${path}: ${detail}`;
    hint = `${setting ? `\`${setting}\`` : 'An option'} under \`config_options:\` of target "${targetName}" in profiles.yml needs a DuckDB extension that could not be loaded (no network, or not installed): remove it, or install the extension first (INSTALL name in DuckDB).`;
  } else {
    // Whatever else stops DuckDB opening the file (a directory, a read-only file or file system,
    // a missing folder) is about the file or the target's settings, not a model.
    message = `Target "${targetName}" cannot open its DuckDB database ${path}: ${detail}`;
    hint = `Point \`path:\` of target "${targetName}" in profiles.yml at a writable file (a new one is created), or fix the one there.`;
  }
  return new SmProjectError([{ code: 'SM_DATABASE_UNUSABLE', severity: 'error', message, hint, cause: e }]);
}
