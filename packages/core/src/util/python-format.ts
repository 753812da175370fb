import { pyStr } from '../jinja/py-values.ts';

/** Python's three ways to fill a string from a mapping, as dbt adapters use them. */
export type PythonFormatter = 'newstyle' | 'oldstyle' | 'template';

/**
 * Fill `template` from `values` as Python would: `newstyle` is `str.format_map` (`{name}`,
 * `{{`/`}}` for braces), `oldstyle` is `%` with a mapping (`%(name)s`, `%%`), `template` is
 * `string.Template.substitute` (`$name`, `${name}`, `$$`). Values print as Python's str() (None,
 * True, ['a']). Only plain fields: a format spec or conversion (`{x:>5}`, `{x!r}`) and an unknown
 * name throw, naming the field.
 */
export function pythonFormat(template: string, values: Readonly<Record<string, unknown>>, formatter: PythonFormatter = 'newstyle'): string {
  const value = (name: string): string => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`"${name}" is not one of ${Object.keys(values).join(', ')}`);
    return pyStr(values[name]);
  };
  if (formatter === 'oldstyle') {
    return template.replace(/%(%|\(([^)]*)\)s)/g, (all, _p: string, name: string | undefined) => {
      if (all === '%%') return '%';
      return value(name!);
    });
  }
  if (formatter === 'template') {
    return template.replace(/\$(\$|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g, (all, _p: string, bare: string | undefined, braced: string | undefined) => (all === '$$' ? '$' : value((bare ?? braced)!)));
  }
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (all, field: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field!)) throw new Error(`the field {${field}} is not a plain name`);
    return value(field!);
  });
}
