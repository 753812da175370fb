import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.ts';

describe('MinHeap', () => {
  it('gives items back smallest first, whatever order they came in', () => {
    // A fixed pseudo-random sequence with repeats, pushed and popped interleaved.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 50;
    const q = new MinHeap<number>((a, b) => a < b);
    const shadow: number[] = [];
    const out: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = next();
      q.push(x);
      shadow.push(x);
      if (i % 3 === 0) {
        shadow.sort((a, b) => a - b);
        expected.push(shadow.shift()!);
        out.push(q.pop()!);
      }
    }
    while (q.size) out.push(q.pop()!);
    expected.push(...shadow.sort((a, b) => a - b));
    expect(out).toEqual(expected);
    expect(q.pop()).toBeUndefined();
  });
});
