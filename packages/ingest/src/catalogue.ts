import { mojibake } from './people.ts';
import { Prng } from './prng.ts';

/** One song of the synthetic catalogue. `plays` drives how often events choose it; it is not written to the seed. */
export interface Song {
  readonly songId: string;
  readonly title: string;
  readonly artistId: string;
  readonly artistName: string;
  /** Seconds, five decimals, as the catalogue prints it. */
  readonly duration: number;
  /** Release year; 0 when unknown, as in the Million Song Dataset the real catalogue comes from. */
  readonly year: number;
  readonly plays: number;
}

/** Seed of the catalogue shipped as `project/seeds/songs.csv`; events always draw from this one. */
export const CATALOGUE_SEED = 20240601;

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gl', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'st', 't', 'tr', 'v', 'w', 'z', 'sh', 'th', ''];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'y', 'io'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'x', 'm', 'nd', 'st', 'rk', 'th'];
const ACCENTED = ['é', 'ö', 'ñ', 'ü', 'á', 'ø', 'è', 'ç'];
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A licence-clean song catalogue of invented words: about 5,000 songs by about 1,200 artists.
 * It carries the defects of the real catalogue on purpose, so that models must handle them:
 * some (artist_name, title) pairs appear under two song ids, several artist names share one
 * artist id ("X feat. Y" credited to X), a few names have literal surrounding quotes or
 * backslash-escaped quotes, and a few accented names are stored as Latin-1 mojibake.
 */
export function generateCatalogue(seed: number = CATALOGUE_SEED, opts: { songs?: number; artists?: number } = {}): Song[] {
  const rng = new Prng(seed ^ 0x5eed5096);
  const nSongs = opts.songs ?? 5000;
  const nArtists = opts.artists ?? 1200;
  const ids = new Set<string>();
  const newId = (prefix: string): string => {
    for (;;) {
      let s = prefix;
      for (let i = 0; i < 16; i++) s += ID_CHARS[rng.int(ID_CHARS.length)];
      if (!ids.has(s)) {
        ids.add(s);
        return s;
      }
    }
  };
  const word = (): string => {
    const n = rng.chance(0.6) ? 2 : rng.chance(0.7) ? 1 : 3;
    let w = '';
    for (let i = 0; i < n; i++) w += rng.pick(ONSETS) + rng.pick(VOWELS) + (i === n - 1 ? rng.pick(CODAS) : '');
    if (rng.chance(0.012)) {
      const at = rng.int(w.length);
      w = w.slice(0, at) + rng.pick(ACCENTED) + w.slice(at + 1);
    }
    return w.charAt(0).toUpperCase() + w.slice(1);
  };

  const artistNames = new Set<string>();
  const artists: { id: string; name: string; weight: number }[] = [];
  while (artists.length < nArtists) {
    const r = rng.float();
    const name = r < 0.25 ? `The ${word()} ${word()}s` : r < 0.6 ? `${word()} ${word()}` : r < 0.9 ? word() : `DJ ${word()}`;
    if (artistNames.has(name)) continue;
    artistNames.add(name);
    artists.push({ id: newId('AR'), name, weight: 1 / Math.pow(artists.length + 1, 0.6) });
  }
  // Collaborations credited to the first artist's id: the real catalogue's "several names, one id".
  const aliasCount = Math.max(2, Math.round(nArtists * 0.03));
  for (let i = 0; i < aliasCount; i++) {
    const main = artists[rng.int(nArtists)]!;
    const other = artists[rng.int(nArtists)]!;
    const name = `${main.name} ${rng.chance(0.5) ? 'feat.' : '&'} ${other.name}`;
    if (artistNames.has(name) || main === other) continue;
    artistNames.add(name);
    artists.push({ id: main.id, name, weight: main.weight / 4 });
  }
  for (const a of artists) {
    if (rng.chance(0.006)) a.name = `"${a.name}"`;
    else if (/[^\x00-\x7f]/.test(a.name) && rng.chance(0.35)) a.name = mojibake(a.name);
  }

  const songs: Song[] = [];
  const pairs = new Set<string>();
  const cum: number[] = [];
  let sum = 0;
  for (const a of artists) cum.push((sum += a.weight));
  const makeSong = (artist: { id: string; name: string }): void => {
    for (;;) {
      const r = rng.float();
      let title = r < 0.35 ? word() : r < 0.75 ? `${word()} ${word()}` : r < 0.92 ? `${word()} ${word()} ${word()}` : `${word()} (${rng.pick(['Remix', 'Live', 'Acoustic', 'Album Version'])})`;
      const q = rng.float();
      if (q < 0.006) title = `"${title}"`;
      else if (q < 0.01) title = `${word()} \\"${word()}\\"`;
      else if (/[^\x00-\x7f]/.test(title) && q < 0.35) title = mojibake(title);
      const key = `${artist.name}\u0000${title}`;
      if (pairs.has(key)) continue;
      pairs.add(key);
      songs.push({ songId: newId('SO'), title, artistId: artist.id, artistName: artist.name, duration: duration(rng), year: rng.chance(0.25) ? 0 : rng.range(1955, 2015), plays: 0 });
      return;
    }
  };
  for (const a of artists) makeSong(a);
  while (songs.length < nSongs) {
    const x = rng.float() * sum;
    let i = 0;
    while (cum[i]! <= x) i++;
    makeSong(artists[i]!);
  }
  // The same (artist, title) under a second song id with a slightly different length, as re-releases appear in the real data.
  const dupCount = Math.round(nSongs * 0.016);
  for (let i = 0; i < dupCount; i++) {
    const s = songs[rng.int(songs.length)]!;
    songs.push({ ...s, songId: newId('SO'), duration: round5(s.duration + rng.range(-3, 3) + rng.float()) });
  }
  // Play counts fall off by popularity rank (a long tail), with ranks shuffled over the catalogue.
  const rank = songs.map((_, i) => i);
  for (let i = rank.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rank[i], rank[j]] = [rank[j]!, rank[i]!];
  }
  return songs.map((s, i) => ({ ...s, plays: Math.max(1, Math.round(200000 / Math.pow(rank[i]! + 1, 0.8))) }));
}

function duration(rng: Prng): number {
  return round5(Math.min(900, Math.max(30, Math.exp(Math.log(235) + 0.35 * rng.normal()))));
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
