// `@smsql/core/deps`: `sm deps`, installing packages. Apart from the main entry, which most commands load.
export { deps, type DepsOptions, type DepsOutcome } from './deps/install-deps.ts';
