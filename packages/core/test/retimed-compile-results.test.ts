import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { compileResultsKey } from '../src/artifacts/compile-results-cache.ts';
import { compileResultsText, retimedCompileResults, timingPlaces } from '../src/artifacts/run-results.ts';

describe('retimedCompileResults', () => {
  const was = '2026-12-06T10:00:00.000000Z';
  const text = compileResultsText(
    [
      { uniqueId: 'model.p.a', resourceType: 'model', compiledCode: `select '"started_at":"${was}"' as tricky`, relationName: '"db"."main"."a"' },
      { uniqueId: 'model.p.b', resourceType: 'model', compiledCode: 'select 1', relationName: '"db"."main"."b"' },
    ],
    was,
  );

  it("moves every timing to the new time in place and leaves compiled code that quotes the old time as it was", () => {
    const when = '2026-12-06T19:14:32.166000Z';
    const out = JSON.parse(retimedCompileResults(Buffer.from(text), was, when).toString()) as { timing: { started_at: string; completed_at: string }[]; compiled_code: string }[];
    expect(out.flatMap((r) => r.timing.flatMap((t) => [t.started_at, t.completed_at]))).toEqual(Array(8).fill(when));
    expect(out[0]!.compiled_code).toBe(`select '"started_at":"${was}"' as tricky`);
    const untimed = (rs: Record<string, unknown>[]) => rs.map(({ timing: _t, ...rest }) => rest);
    expect(untimed(out as unknown as Record<string, unknown>[])).toEqual(untimed(JSON.parse(text) as Record<string, unknown>[]));
  });

  it('gives the same results when the new time is written with another length', () => {
    const when = '+012026-12-06T19:14:32.166000Z';
    const out = JSON.parse(retimedCompileResults(Buffer.from(text), was, when).toString()) as { timing: { started_at: string }[] }[];
    expect(out.flatMap((r) => r.timing.map((t) => t.started_at))).toEqual(Array(4).fill(when));
  });

  it('gives the same bytes from the recorded places of the timings, and searches when the places are not those of these bytes', () => {
    const when = '2026-12-06T19:14:32.166000Z';
    const searched = retimedCompileResults(Buffer.from(text), was, when).toString();
    const places = timingPlaces(Buffer.from(text), was);
    expect(places).toHaveLength(4);
    expect(retimedCompileResults(Buffer.from(text), was, when, places).toString()).toBe(searched);
    expect(retimedCompileResults(Buffer.from(text), was, when, [places[0]! + 1, ...places.slice(1)]).toString()).toBe(searched);
    expect(retimedCompileResults(Buffer.from(text), was, when, [...places, 10_000_000]).toString()).toBe(searched);
  });
});

describe('compileResultsKey', () => {
  it('is the digest of the input digest, the ephemerals flag, the secrets and each selected id, in that order', () => {
    const h = createHash('sha256').update('d').update('\u0001e').update('\u0002').update('s');
    for (const id of ['model.p.a', 'model.p.b']) h.update('\u0003').update(id);
    expect(compileResultsKey('d', ['model.p.a', 'model.p.b'], true, ['s'])).toBe(h.digest('hex'));
    expect(compileResultsKey('d', [], false, [])).toBe(createHash('sha256').update('d').update('\u0001-').digest('hex'));
  });
});
