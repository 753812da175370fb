export { main, EXIT } from './main.ts';
export { builtinAdapters } from './adapters.ts';
