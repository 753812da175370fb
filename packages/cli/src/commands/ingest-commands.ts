import type { Command } from 'commander';
import type { CliContext } from '../main.ts';

/** `sm ingest ...`: wired to @sm/ingest once its functions land. */
export function registerIngestCommands(program: Command, _ctx: CliContext): void {
  program.command('ingest').description('generate Eventsim events and land them into raw tables');
}
