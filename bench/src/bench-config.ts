import { join } from 'node:path';
import { BENCH_DIR } from './tools.ts';

/** Sizes and repetitions of one benchmark invocation. */
export interface BenchConfig {
  readonly quick: boolean;
  /** Where generated projects and databases go (gitignored). */
  readonly workDir: string;
  readonly compileSizes: readonly number[];
  /** Repetitions of fast commands (sm) and of slow ones (dbt), per size. */
  readonly repsFast: number;
  readonly repsSlow: (models: number) => number;
  /** Two chain lengths: the per-model cost is the slope between them, free of startup cost. */
  readonly chainLengths: readonly [number, number];
  readonly chainReps: number;
  /** Approximate listens for the Streamify build. */
  readonly streamifyListens: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  const workDir = join(BENCH_DIR, 'out', 'work');
  return quick
    ? { quick, workDir, compileSizes: [200], repsFast: 3, repsSlow: () => 1, chainLengths: [10, 50], chainReps: 2, streamifyListens: 10_000 }
    : {
        quick,
        workDir,
        compileSizes: [1000, 10_000],
        repsFast: 5,
        repsSlow: (n) => (n >= 10_000 ? 1 : 3),
        chainLengths: [20, 200],
        chainReps: 5,
        streamifyListens: 1_000_000,
      };
}
