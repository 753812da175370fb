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
 * The types a command takes, given the flags: `defaultTypes` without them (undefined: the
 * command's own apply), else --resource-type's (all: every type the command takes, default: its
 * default ones), less --exclude-resource-type's. `ls` takes every type but lists analyses only
 * when asked (dbt's default leaves them out).
 */
export function resourceTypesOf(flags: ResourceTypeFlags, commandTypes: readonly string[] | undefined, defaultTypes?: readonly string[]): InvocationOptions['resourceTypes'] {
  const only = [...(flags.resourceType ?? []), ...(flags.resourceTypes ?? [])];
  const without = new Set([...(flags.excludeResourceType ?? []), ...(flags.excludeResourceTypes ?? [])]);
  if (!only.length && !without.size) return defaultTypes as InvocationOptions['resourceTypes'];
  const all = commandTypes ?? DBT_RESOURCE_TYPES;
  const defaults = defaultTypes ?? all;
  let types: readonly string[] = defaults;
  if (only.length) {
    const chosen = new Set(only.filter((t) => t !== 'all' && t !== 'default'));
    if (only.includes('all')) all.forEach((t) => chosen.add(t));
    if (only.includes('default')) defaults.forEach((t) => chosen.add(t));
    types = all.filter((t) => chosen.has(t));
  }
  return types.filter((t) => !without.has(t)) as InvocationOptions['resourceTypes'];
}

/** What `ls` lists without --resource-type: every type but analyses, as dbt's. */
export const LS_DEFAULT_TYPES: readonly string[] = DBT_RESOURCE_TYPES.filter((t) => t !== 'analysis');
