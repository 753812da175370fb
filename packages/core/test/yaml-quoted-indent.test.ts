import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.ts';
import { parseYamlText } from '../src/project/yaml-file.ts';

const read = (text: string) => {
  const diagnostics: Diagnostic[] = [];
  const file = parseYamlText(text, 'models/x.yml', diagnostics);
  return { data: file?.data, errors: diagnostics.map((d) => `${d.location?.line}: ${d.message}`) };
};

// Each answer recorded from PyYAML 6.0.3's safe_load (dbt 1.11.16's reader), 7 Dec 2026.
describe('quoted scalars continued on lines indented too little, as PyYAML reads them', () => {
  it('reads them, with the same value', () => {
    const text = [
      'models:',
      '  - name: a',
      '    description: "first # not a comment',
      '  second \\"q\\" line',
      '',
      ' after blank"',
      '    meta: {owner: "x',
      ' y", n: 1}',
      '  - name: b',
      '    description: |',
      '      block "with quote',
      "    tags: ['t1', 'multi",
      " line']",
      "  - name: c",
      "    description: 'it''s",
      "at column 0'",
    ].join('\n');
    expect(read(text)).toEqual({
      data: {
        models: [
          { name: 'a', description: 'first # not a comment second "q" line\nafter blank', meta: { owner: 'x y', n: 1 } },
          { name: 'b', description: 'block "with quote\n', tags: ['t1', 'multi line'] },
          { name: 'c', description: "it's at column 0" },
        ],
      },
      errors: [],
    });
    expect(read('- "top\nlevel"\n- x\n').data).toEqual(['top level', 'x']);
  });

  it('still refuses what PyYAML refuses, naming the line', () => {
    expect(read('models:\n  - name: a\n    description: "never closed\n  - name: b\n').errors).toEqual(['4: YAML syntax error: Missing closing "quote']);
    // A quote inside a plain value opens nothing: the error elsewhere stays.
    expect(read("models:\n  - name: a\n    description: text, 'with quote\n  - name: b\n    bad: [\n").errors).toHaveLength(1);
  });
});
