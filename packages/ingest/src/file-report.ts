/** What happened to a lake file (or folder) that did not land in this load, and why. */
export interface FileReport {
  /** Path relative to the lake root with `/` separators; a folder ends with `/`. */
  readonly file: string;
  /**
   * - `deferred`: left for a later load, as it looks still being written (its last line has no
   *   line break, or it changed while being landed); nothing to do but wait.
   * - `skipped`: not landed by sm's rules (a symbolic link to a file, a loop, a file that changed
   *   after it was landed); the reason says what to do.
   * - `failed`: could not be landed (unreadable, or the warehouse refused it); the reason is the error.
   */
  readonly kind: 'deferred' | 'skipped' | 'failed';
  readonly reason: string;
}
