export { main } from './main.ts';
export { EXIT } from './exit-codes.ts';
export { builtinAdapters } from './adapters.ts';
