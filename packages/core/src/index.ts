export * from './adapter.ts';
export * from './base-dialect.ts';
export * from './types.ts';
export * from './diagnostics.ts';
