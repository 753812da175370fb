/** A problem resolving or fetching packages: which package and what to do. */
export class DepsError extends Error {
  readonly kind = 'DepsError';
}
