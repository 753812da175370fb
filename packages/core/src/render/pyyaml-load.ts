import type * as Yaml from 'yaml';
import { PyDate } from '../jinja/py-datetime.ts';
import { mkFloat } from '../jinja/py-values.ts';
import { yamlLib } from '../util/yaml-lib.ts';

/**
 * dbt's fromyaml is PyYAML's safe_load: YAML 1.1 as PyYAML resolves plain scalars. A float needs
 * a point (`1e20` and `1.5E3` stay text, `1.0e+20` is a float, `-0.0` too); ints take `_`
 * (`1_000`), a leading 0 is octal (`010` is 8), `0x`/`0b` and base 60 (`1:30`); booleans are
 * yes/no/on/off/true/false in three casings; `2024-01-02` is a date (a date with a time stays text).
 */
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

/** A base-60 number (`1:30:00`) as PyYAML reads it. */
function sexagesimal(text: string, parse: (s: string) => number): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const parts = text.replace(/^[-+]/, '').split(':');
  return sign * parts.reduce((acc, p) => acc * 60 + parse(p), 0);
}

function pyInt(s: string): number {
  const t = s.replace(/_/g, '');
  if (t.includes(':')) return sexagesimal(t, Number);
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
  if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
  if (body.length > 1 && body.startsWith('0')) return sign * parseInt(body, 8);
  return sign * Number(body);
}

function pyFloat(s: string): unknown {
  const t = s.replace(/_/g, '').toLowerCase();
  if (t.endsWith('.inf')) return mkFloat(t.startsWith('-') ? -Infinity : Infinity);
  if (t === '.nan') return mkFloat(NaN);
  return mkFloat(t.includes(':') ? sexagesimal(t, Number) : Number(t));
}

const PY_TAGS: Yaml.ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:bool', default: true, test: BOOL, resolve: (s) => /^(?:yes|true|on)$/i.test(s) },
  { tag: 'tag:yaml.org,2002:int', default: true, test: INT, resolve: pyInt },
  { tag: 'tag:yaml.org,2002:float', default: true, test: FLOAT, resolve: pyFloat },
  // A date that does not exist (2024-13-45) is PyYAML's ValueError: fromyaml gives its default.
  { tag: 'tag:yaml.org,2002:timestamp', default: true, test: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, resolve: (s) => PyDate.of(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))) },
];
const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

/** PyYAML's safe_load of `text` (see the note above). */
export function pyYamlLoad(text: string): unknown {
  return yamlLib().parse(text, {
    version: '1.1',
    customTags: (tags: Yaml.Tags) => [...PY_TAGS, ...tags.filter((t) => typeof t !== 'object' || !REPLACED.has(t.tag))],
  }) as unknown;
}
