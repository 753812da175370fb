import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use: it is 72 modules, and most commands never need it
 * (the fast reader takes schema files as they are usually written; a warm start reads none).
 */
export function yamlLib(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

/**
 * PyYAML's booleans (dbt reads every file and --vars with it, YAML 1.1): yes/no/on/off as well as
 * true/false, each in three casings. dbt 1.11.16 takes `enabled: no` in a schema file and
 * `+enabled: off` in dbt_project.yml as false; YAML 1.2 (the `yaml` package's default) reads them
 * as text, which sm then refused ("enabled must be true or false", exit 2).
 */
export const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_TRUE = /^(?:yes|true|on)$/i;

/** The `yaml` package's core schema with its boolean tag reading PyYAML's words (see {@link PY_BOOL}). */
export function withPyBooleans(tags: Yaml.Tags): Yaml.Tags {
  return tags.map((t) => (typeof t === 'object' && !t.collection && t.tag === 'tag:yaml.org,2002:bool' ? ({ ...t, test: PY_BOOL, resolve: (s: string) => PY_TRUE.test(s) } as Yaml.ScalarTag) : t));
}
