import { Option, type Command } from 'commander';
import { DBT_RESOURCE_TYPES, type InvocationOptions } from '@smsql/core';

const CHOICES = [...DBT_RESOURCE_TYPES, 'default', 'all'];

/** dbt's --resource-type(s) and --exclude-resource-type(s), on build, test and ls as in dbt 1.11. */
export function resourceTypeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--resource-type <type...>', 'only these resource types (all or default: every one the command runs)').choices(CHOICES))
    .addOption(new Option('--resource-types <type...>').choices(CHOICES).hideHelp())
    .addOption(new Option('--exclude-resource-type <type...>', 'leave these resource types out').choices(CHOICES))
    .addOption(new Option('--exclude-resource-types <type...>').choices(CHOICES).hideHelp());
}

export interface ResourceTypeFlags {
  resourceType?: string[];
  resourceTypes?: string[];
  excludeResourceType?: string[];
  excludeResourceTypes?: string[];
}

/**
 * The types a command takes, given the flags: those the command runs (every type for ls), kept
 * to --resource-type's unless it says all or default, less --exclude-resource-type's. Undefined
 * when neither flag is given (the command's own types apply).
 */
export function resourceTypesOf(flags: ResourceTypeFlags, commandTypes: readonly string[] | undefined): InvocationOptions['resourceTypes'] {
  const only = [...(flags.resourceType ?? []), ...(flags.resourceTypes ?? [])];
  const without = new Set([...(flags.excludeResourceType ?? []), ...(flags.excludeResourceTypes ?? [])]);
  if (!only.length && !without.size) return undefined;
  let types = commandTypes ?? DBT_RESOURCE_TYPES;
  if (only.length && !only.includes('all') && !only.includes('default')) types = types.filter((t) => only.includes(t));
  return types.filter((t) => !without.has(t)) as InvocationOptions['resourceTypes'];
}
