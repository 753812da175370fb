import type { Diagnostic } from '../diagnostics.ts';
import type { ShapeSource } from './declared-shapes.ts';
import type { Shape } from './infer/shape.ts';

/** What checking one node found. Plain data; cached per node under target/.sm/. */
export interface NodeCheck {
  readonly id: string;
  /**
   * `checked`: its SQL was read and its columns inferred; `declared`: its columns are declared
   * (a source, a seed); `not_checked`: its SQL is beyond the checker (see `reason`), its columns
   * come from the catalog or YAML if anywhere.
   */
  readonly status: 'checked' | 'declared' | 'not_checked';
  readonly reason?: string | undefined;
  /** Where the columns came from. */
  readonly from: ShapeSource;
  /** Output columns with types and lineage; `open` when others may exist. Read from the cache only when used. */
  readonly shape: Shape;
  /** Whether columns other than those listed may exist (the same as `shape.open`, without reading the columns). */
  readonly open: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Digest of the inputs this result was computed from (the node's SQL and config, its parents' columns). */
  readonly digest: string;
  /** Digest of the columns it outputs: what its children's digests include. */
  readonly outDigest: string;
}
