import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STATE_CODES, generateCatalogue, songsCsv, stateCodesCsv } from '../src/index.ts';

const seeds = (name: string) => fileURLToPath(new URL(`../../../project/seeds/${name}`, import.meta.url));

describe('song catalogue', () => {
  const songs = generateCatalogue();

  it('is the committed project/seeds/songs.csv (run `node packages/ingest/src/write-seeds.ts` after changing the generator)', () => {
    expect(readFileSync(seeds('songs.csv'), 'utf8')).toBe(songsCsv());
  });

  it('is deterministic per seed and about 5,000 songs by about 1,200 artists with unique song ids', () => {
    expect(generateCatalogue()).toEqual(songs);
    expect(generateCatalogue(1)).not.toEqual(songs);
    expect(songs.length).toBeGreaterThanOrEqual(5000);
    expect(songs.length).toBeLessThan(5200);
    expect(new Set(songs.map((s) => s.songId)).size).toBe(songs.length);
    const artists = new Set(songs.map((s) => s.artistName)).size;
    expect(artists).toBeGreaterThan(1100);
    expect(artists).toBeLessThan(1400);
    for (const s of songs) {
      expect(s.songId).toMatch(/^SO[A-Z0-9]{16}$/);
      expect(s.artistId).toMatch(/^AR[A-Z0-9]{16}$/);
      expect(s.duration).toBeGreaterThan(0);
      expect(s.year === 0 || (s.year >= 1950 && s.year <= 2025)).toBe(true);
    }
  });

  it('carries the real catalogue defects on purpose', () => {
    const byPair = new Map<string, Set<string>>();
    const byArtistId = new Map<string, Set<string>>();
    for (const s of songs) {
      const k = `${s.artistName}\u0000${s.title}`;
      byPair.set(k, (byPair.get(k) ?? new Set()).add(s.songId));
      byArtistId.set(s.artistId, (byArtistId.get(s.artistId) ?? new Set()).add(s.artistName));
    }
    const dupPairs = [...byPair.values()].filter((ids) => ids.size > 1).length;
    expect(dupPairs).toBeGreaterThan(songs.length * 0.01);
    expect([...byArtistId.values()].filter((names) => names.size > 1).length).toBeGreaterThan(10);
    const texts = songs.flatMap((s) => [s.title, s.artistName]);
    expect(texts.filter((t) => /^".*"$/.test(t)).length).toBeGreaterThan(5);
    expect(texts.filter((t) => t.includes('\\"')).length).toBeGreaterThan(5);
    expect(texts.filter((t) => /Ã/.test(t)).length).toBeGreaterThan(5);
  });
});

describe('state codes seed', () => {
  it('is the committed project/seeds/state_codes.csv: 50 states and DC, clean codes and names', () => {
    const text = readFileSync(seeds('state_codes.csv'), 'utf8');
    expect(text).toBe(stateCodesCsv());
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(51);
    expect(STATE_CODES).toHaveLength(51);
    expect(new Set(rows.map((r) => r[0])).size).toBe(51);
    for (const [code, name] of rows) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(name).toBe(name!.trim());
    }
    expect(rows).toContainEqual(['DC', 'District of Columbia']);
  });
});
