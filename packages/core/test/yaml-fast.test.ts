import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.ts';
import { parseFastYaml } from '../src/project/yaml-fast.ts';
import { parseYamlText, parseYamlTextWithYaml } from '../src/project/yaml-file.ts';
import { compareWithYaml } from './yaml-fast-compare.ts';
import { EDGE_SCALARS } from './yaml-fast-gen.ts';

/**
 * The fast YAML reader against `yaml` on a handwritten corpus: every construct it reads (same
 * data, same locations) and every construct it leaves to `yaml` (it declines, and the result,
 * diagnostics included, is still `yaml`'s).
 */

const READ: Record<string, string> = {
  'a schema file': 'version: 2\n\nmodels:\n  - name: m\n    description: "the model"\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
  'a sequence at its key\'s column': 'models:\n- name: a\n  columns:\n  - name: id\n- name: b\nsources: []\n',
  'indentation of 1, 3 and 4 spaces': 'a:\n b:\n    c:\n       - x\n       -   y: 1\n           z: 2\n',
  'a mapping indented at the top': '  a: 1\n  b:\n    - 2\n',
  'a sequence at the top': '- a\n- b: 1\n  c: 2\n- - x\n  - y\n-\n  d: 3\n',
  'items holding sequences and mappings on their own lines': '-\n  - a\n-\n    k: v\n- - - deep\n',
  'empty values and items': 'a:\nb: # nothing\nc:\n  -\n  -   # a comment\n  - x\n  -',
  'comments and blank lines everywhere': '# top\n\na: 1 # after\n   # indented comment\n\n# column 0\nb:\n  # before the item\n  - x # trailing\n\n  - y\n# end\n',
  'null, true, false in every spelling': 'a: ~\nb: null\nc: Null\nd: NULL\ne: nuLL\nf: true\ng: True\nh: TRUE\ni: tRUE\nj: false\nk: False\nl: FALSE\nm: yes\nn: no\no: on\np: off\n',
  'ints: decimal, signs, leading zeros, octal, hex': 'a: 0\nb: -0\nc: +12\nd: 007\ne: 0o17\nf: 0o8\ng: 0x1F\nh: 0xg\ni: 0X1F\nj: 1_000\nk: 12345678901234567890\nl: -42\n',
  'floats: dots, exponents, .inf and .nan': 'a: 1.5\nb: .5\nc: 1.\nd: -.5\ne: +1.0\nf: 1e3\ng: 1E+3\nh: -2.5e-3\ni: .5e1\nj: 1e\nk: e3\nl: .inf\nm: -.Inf\nn: +.INF\no: .InF\np: .nan\nq: .NaN\nr: .NAN\ns: .Nan\nt: 1e400\nu: 1.2.3\n',
  'strings that look typed once quoted': "a: '1'\nb: \"true\"\nc: '~'\nd: \"\"\ne: ''\nf: '.inf'\n",
  'plain scalars with colons, hashes and brackets inside': 'a: http://x.y/z?a=1#frag\nb: a#b\nc: 12:30\nd: x [y] {z}, w\ne: -foo\nf: +x\ng: a{b}\n',
  'single quotes with doubled quotes': "a: 'it''s'\nb: ''''\n'c d': 'x # not a comment'\n",
  'double quotes with every escape': 'a: "\\\\ \\" \\/ \\0 \\a \\b \\e \\f \\n \\r \\t \\v \\N \\_ \\L \\P \\  \\x41 \\u00e9 \\U0001F600 \\uD83D"\n',
  'quoted keys': '"a b": 1\n\'c\': 2\n"1": 3\n"": 4\n',
  'keys that sort first in a JS object': 'b: 1\n"2": x\n\'1\': y\na: 2\n',
  'keys shadowing Object.prototype': 'constructor: 1\ntoString: 2\nhasOwnProperty: 3\n',
  'flow sequences and mappings on one line': 'a: [unique, not_null]\nb: [ ]\nc: {}\nd: {name: x, data_type: varchar}\ne: [1, "two", \'three\', [4, {five: 5}]]\nf: {k: [a, b], "q": \'v\'}\n',
  'flow collections as items': '- {name: id, data_type: bigint}\n- [a, b]\n- {}\n',
  'literal block scalars': 'a: |\n  line 1\n    indented\n\n  line 3\nb: |-\n  stripped\n\n\nc: |\n\n  after a blank\n# comment after\nd: |  # header comment\n  # not a comment\n',
  'folded block scalars': 'a: >\n  one\n  two\n\n  three\n\n\n  four\nb: >-\n  x\n  y\nc: >\n\n  lead\n',
  'block scalars in items and deeper': '- |\n  x\n- >-\n  y\n- a: |\n   z\n  b: 1\n',
  'a block scalar ended by a less indented comment': 'a: |\n    text\n  # comment\nb: 1\n',
  'a leading document marker': '# c\n---\na: 1\n',
  'an empty file': '',
  'only comments and blank lines': '# nothing\n\n   # here\n',
  'no newline at the end': 'a:\n  - b',
  'unicode': 'é: ünï\n"ß": [ø, "😀"]\n',
  'a lone surrogate': 'a: x\ud800y\n',
  'a 900-character key': `${'k'.repeat(900)}: 1\n`,
};

const DECLINED: Record<string, string> = {
  'an anchor and an alias': 'a: &x 1\nb: *x\n',
  'a merge key': 'base: &b {x: 1}\nm:\n  <<: *b\n',
  'a plain << key': '<<: 1\n',
  'a tag': 'a: !!str 1\n',
  'a directive': '%YAML 1.2\n---\na: 1\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'a document end marker': 'a: 1\n...\n',
  'a marker on its own': '---\n',
  'a marker with content on its line': '--- a\n',
  'a complex key': '? a\n: 1\n',
  'a duplicate key': 'a: 1\nb: 2\na: 3\n',
  'a duplicate key, one quoted': 'a: 1\n"a": 2\n',
  'a duplicate key in a flow mapping': 'x: {a: 1, a: 2}\n',
  'a key that is not a string': '1: a\n',
  'a null key': '~: a\n',
  'a __proto__ key': '__proto__: 1\n',
  'a key with a colon': 'a:b: 1\n',
  'a space before the colon': 'a : 1\n',
  'a 1500-character key': `${'k'.repeat(1500)}: 1\n`,
  'tabs as indentation': 'a:\n\tb: 1\n',
  'a tab inside a value': 'a: x\ty\n',
  'CRLF line ends': 'a: 1\r\nb: 2\r\n',
  'a BOM': '\ufeffa: 1\n',
  'a control character': 'a: x\u0001y\n',
  'a multi-line plain scalar': 'a: one\n  two\n',
  'a multi-line single-quoted scalar': "a: 'one\n  two'\n",
  'a multi-line double-quoted scalar': 'a: "one\n  two"\n',
  'an escaped line break': 'a: "one\\\n  two"\n',
  'an unknown escape': 'a: "\\q"\n',
  'a short hex escape': 'a: "\\x4"\n',
  'a code point past Unicode': 'a: "\\U00110000"\n',
  'a multi-line flow sequence': 'a: [x,\n  y]\n',
  'a flow mapping over lines': 'a: {x: 1,\n  y: 2}\n',
  'a trailing comma in a flow sequence': 'a: [x, y,]\n',
  'a colon in a flow scalar': 'a: [x:y]\n',
  'a comment in a flow sequence': 'a: [x #c\n]\n',
  'a value on the line after its key': 'a:\n  value\n',
  'a nested mapping on the key\'s line': 'a: b: c\n',
  'a sequence on the key\'s line': 'a: - b\n',
  'an unclosed quote': 'a: "x\n',
  'a bad indentation': 'a:\n    b: 1\n  c: 2\n',
  'a sequence item among keys': 'a: 1\n- b\n',
  'a key below a sequence': 'a:\n  - x\n  b: 1\n',
  'a missing colon': 'a: 1\nb\n',
  'a keep-chomping block scalar': 'a: |+\n  x\n\n',
  'an indentation indicator': 'a: |2\n   x\n',
  'an empty block scalar': 'a: |\nb: 1\n',
  'a block scalar not indented past its key': '- a: |\n  text\n',
  'more spaces on a blank line than the block scalar\'s indentation': 'a: |\n  x\n     \n  y\n',
  'a more-indented line in a folded scalar': 'a: >\n  x\n    y\n  z\n',
  'a scalar at the top': 'just text\n',
  'a flow collection at the top': '[a, b]\n',
  'a plain scalar starting with an indicator': 'a: @x\n',
  'a reserved character': 'a: `x\n',
  'a comment without a space': "a: 'x'#c\n",
};

describe('fast YAML reader: what it reads', () => {
  for (const [name, src] of Object.entries(READ)) {
    it(name, () => {
      const r = compareWithYaml(src);
      expect(r.problem).toBeUndefined();
      expect(r.accepted).toBe(true);
    });
  }

  it('locates keys, items and the nearest parent the way yaml-file did', () => {
    const y = parseYamlText('models:\n  - name: m\n    columns:\n    - id\n    -   name: x\n', 'f.yml', [])!;
    expect(y.locate(['models', 0, 'columns', 1])).toEqual({ file: 'f.yml', line: 5, column: 9 });
    expect(y.locate(['models', 0, 'columns', 1, 'name'])).toEqual({ file: 'f.yml', line: 5, column: 9 });
    expect(y.locate(['models', 0, 'columns', 0])).toEqual({ file: 'f.yml', line: 4, column: 7 });
    expect(y.locate(['models', 0, 'absent'])).toEqual({ file: 'f.yml', line: 2, column: 5 });
    expect(y.locate(['models', '0'])).toEqual({ file: 'f.yml', line: 1, column: 1 });
    expect(parseYamlText('# empty\n', 'e.yml', [])!.locate(['x'])).toEqual({ file: 'e.yml' });
  });

  it('a block scalar that ends the file keeps no final newline, as dbt strips each file before reading it', () => {
    // Recorded from dbt 1.11.16: `description: |` ending the file gives 'line one\nline two'.
    for (const tail of ['\n', '\n\n\n', '  \n']) {
      const src = `models:\n  - name: m\n    description: |\n      line one\n      line two${tail}`;
      expect(parseYamlText(src, 'f.yml', [])!.data).toEqual({ models: [{ name: 'm', description: 'line one\nline two' }] });
      expect(parseYamlTextWithYaml(src, 'f.yml', [])!.data).toEqual({ models: [{ name: 'm', description: 'line one\nline two' }] });
    }
    // Inside the file the block keeps its newline.
    expect(parseYamlText('a: |\n  x\nb: 1\n', 'f.yml', [])!.data).toEqual({ a: 'x\n', b: 1 });
  });

  it('types every edge scalar as yaml does, plain, quoted, in flow and as keys', () => {
    const problems: string[] = [];
    for (const s of EDGE_SCALARS) {
      const sq = `'${s.replaceAll("'", "''")}'`;
      const dq = `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
      // Not a flow collection inside another or as a key: yaml reads `{{...}}` as a mapping key and warns on the console.
      const nested = /^[[{]/.test(s) ? [] : [`k: [${s}]\n`, `k: {a: ${s}}\n`, `${s}: v\n`, `k: {${s}: v}\n`];
      for (const src of [`k: ${s}\n`, `k: ${sq}\n`, `k: ${dq}\n`, `- ${s}\n`, `${sq}: v\n`, ...nested]) {
        const r = compareWithYaml(src);
        if (r.problem) problems.push(`${JSON.stringify(src)}: ${r.problem}`);
      }
      // Quoted, every one of them is a string the fast reader takes.
      expect(parseFastYaml(`k: ${dq}\n`)?.data, s).toEqual({ k: s });
    }
    expect(problems).toEqual([]);
  });
});

describe('fast YAML reader: what it leaves to yaml', () => {
  for (const [name, src] of Object.entries(DECLINED)) {
    it(name, () => {
      const r = compareWithYaml(src);
      expect(r.problem).toBeUndefined();
      expect(r.accepted).toBe(false);
    });
  }

  it('leaves nesting deeper than the stack to yaml, which reports it as before', () => {
    const src = '- '.repeat(50_000) + 'x\n';
    expect(parseFastYaml(src)).toBeUndefined();
    // Where and how often `yaml` runs out of stack depends on how deep the stack already is: compare what is said.
    const what = (ds: Diagnostic[]) => [...new Set(ds.map((d) => `${d.code} ${d.location?.file}: ${d.message}`))];
    const got: Diagnostic[] = [];
    const ref: Diagnostic[] = [];
    expect(parseYamlText(src, 'deep.yml', got)).toBeUndefined();
    expect(parseYamlTextWithYaml(src, 'deep.yml', ref)).toBeUndefined();
    expect(got.length).toBeGreaterThan(0);
    expect(what(got)).toEqual(what(ref));
  });

  it('leaves syntax errors to yaml, which reports them as before', () => {
    const diagnostics: Diagnostic[] = [];
    expect(parseYamlText('a: [1\nb: 2\n', 'bad.yml', diagnostics)).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['SM_YAML', 'error']]);
  });

  it('leaves a repeated key to yaml: the last value is used, with a warning only when asked (project and schema files, as dbt)', () => {
    const warned: Diagnostic[] = [];
    expect(parseYamlText('a: 1\na: 2\n', 'dup.yml', warned, 'warn')?.data).toEqual({ a: 2 });
    expect(warned.map((d) => [d.code, d.severity, d.event, d.location?.line, d.location?.column])).toEqual([['SM_YAML', 'warning', 'DuplicateYAMLKeysDeprecation', 2, 1]]);
    const silent: Diagnostic[] = [];
    const y = parseYamlText('a: 1\nb: 0\na: 2\n', 'dup.yml', silent);
    expect([y?.data, silent]).toEqual([{ a: 2, b: 0 }, []]);
    expect(y?.locate(['a'])).toEqual({ file: 'dup.yml', line: 3, column: 1 });
  });
});
