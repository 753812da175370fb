/**
 * Writes the seeds this package owns: `project/seeds/songs.csv` (the synthetic catalogue that
 * events draw from) and `project/seeds/state_codes.csv`. Run it after changing the catalogue:
 * `node packages/ingest/src/write-seeds.ts [projectDir]`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOGUE_SEED, generateCatalogue } from './catalogue.ts';
import { toCsv } from './csv.ts';
import { STATE_CODES } from './state-codes.ts';
import { makeDirs } from '@smsql/core';

export const SONGS_HEADER = ['song_id', 'title', 'artist_id', 'artist_name', 'duration', 'year'] as const;

/** The text of `songs.csv` for the shipped catalogue. */
export function songsCsv(): string {
  return toCsv(SONGS_HEADER, generateCatalogue(CATALOGUE_SEED).map((s) => [s.songId, s.title, s.artistId, s.artistName, s.duration, s.year]));
}

/** The text of `state_codes.csv`. */
export function stateCodesCsv(): string {
  return toCsv(['state_code', 'state_name'], STATE_CODES);
}

export function writeSeeds(projectDir: string): string[] {
  const dir = join(projectDir, 'seeds');
  makeDirs(dir);
  const songs = join(dir, 'songs.csv');
  const states = join(dir, 'state_codes.csv');
  writeFileSync(songs, songsCsv());
  writeFileSync(states, stateCodesCsv());
  return [songs, states];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const projectDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../../../project'));
  for (const f of writeSeeds(projectDir)) console.log(`wrote ${f}`);
}
