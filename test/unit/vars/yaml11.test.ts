import { expect } from 'chai';
import { parseYaml11 } from '../../../src/util/yaml11.js';
import { PyFloat, toPlain } from '../../../src/template/python.js';

describe('YAML as Ansible (PyYAML, YAML 1.1) reads it', () => {
  const v = (text: string) => (parseYaml11(text, 'f.yml').value as Record<string, unknown>).x;

  const cases: [string, unknown][] = [
    ['yes', true], ['No', false], ['on', true], ['OFF', false], ['True', true],
    ['y', 'y'], ['n', 'n'],
    ['0644', 420], ['0x1F', 31], ['1_000', 1000], ['22', 22],
    ['1.5', 1.5], ['1.0e+5', 100000], ['08', '08'], ['09.5', 9.5], ['0', 0], ['-12', -12], ['07', 7], ['1e5', '1e5'], ['1.0e5', '1.0e5'],
    ['2024-01-02', '2024-01-02'], ['~', null], ['"yes"', 'yes'], ["!unsafe '{{ x }}'", '{{ x }}'],
  ];
  for (const [text, want] of cases) {
    it(`x: ${text} → ${JSON.stringify(want)}`, () => {
      expect(toPlain(v(`x: ${text}\n`))).to.deep.equal(want);
    });
  }

  it('Ansible gives 1.0 for `x: 1.0`: an integral float keeps its type', () => {
    expect(v('x: 1.0\n')).to.be.instanceOf(PyFloat);
    expect(String(v('x: 1.0\n'))).to.equal('1.0');
  });
  it('reads JSON as JSON first (1e5 is a number there)', () => {
    expect(v('{"x": 1e5}')).to.equal(100000);
  });
  it('keeps the last of duplicate keys, with a warning naming the line', () => {
    const r = parseYaml11('x: 1\nx: 2\n', 'f.yml');
    expect(r.value).to.deep.equal({ x: 2 });
    expect(r.warnings).to.deep.equal(["f.yml:2: duplicate key 'x': the last one is used"]);
  });
  it('supports merge keys', () => {
    expect(parseYaml11('base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n', 'f.yml').value).to.deep.equal({ base: { a: 1 }, x: { a: 1, c: 2 } });
  });
  it('gives JSON-pointer lines for nested values', () => {
    const r = parseYaml11('a:\n  - b: 1\n    c:\n      d: 2\n', 'f.yml');
    expect(r.pointerLines).to.deep.equal({ '/a': 1, '/a/0': 2, '/a/0/b': 2, '/a/0/c': 3, '/a/0/c/d': 4 });
  });
});
