import { expect } from 'chai';
import { parsePythonLiteral } from '../../../src/inventory/python-literal.js';
import { PyFloat, toPlain } from '../../../src/template/python.js';

describe('INI value typing (Python literal_eval)', () => {
  const cases: [string, unknown][] = [
    ['22', 22],
    ['-5', -5],
    ['False', false],
    ['True', true],
    ['None', null],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['00', 0],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ["'22'", '22'],
    ['"a b"', 'a b'],
    ["'a' 'b'", 'ab'],
    ["'tab\\there'", 'tab\there'],
    ["r'\\n'", '\\n'],
    ["'\\x41\\u00e9'", 'Aé'],
    ['[1, "a", None]', [1, 'a', null]],
    ["{'k': [1, 2], 'n': {'x': True}}", { k: [1, 2], n: { x: true } }],
    ['(1, 2)', [1, 2]],
    ['80,443', [80, 443]],
    ['(1)', 1],
    ['{1, 2}', [1, 2]],
    ['set()', []],
    ['22 # a comment', 22],
    ['  7', 7],
  ];
  for (const [text, want] of cases) {
    it(`types ${JSON.stringify(text)} as ${JSON.stringify(want)}`, () => {
      expect(toPlain(parsePythonLiteral(text))).to.deep.equal(want);
    });
  }
  it('Ansible gives 1.0 for `v=1.0` and `v=-2.0`: an integral float keeps its type', () => {
    expect(String(parsePythonLiteral('1.0'))).to.equal('1.0');
    expect(parsePythonLiteral('-2.0')).to.deep.equal(new PyFloat(-2));
    expect(parsePythonLiteral('2')).to.equal(2);
  });

  const staysText = ['yes', 'no', 'true', 'false', 'on', '010', '1.2.3.4', '3.1.2  # note', 'hello world', '', '1+2', '1+2j',
    'f"x"', "'unterminated", '{a: 1}', 'x.y', '--5', '1abc', 'C:\\path', '[1, 2'];
  for (const text of staysText) {
    it(`keeps ${JSON.stringify(text)} as the raw string`, () => {
      expect(parsePythonLiteral(text)).to.equal(text);
    });
  }
});

describe('INI value typing: where JavaScript cannot follow Python', () => {
  it('keeps an integer too long for a JS number as its exact text', () => {
    expect(parsePythonLiteral('12345678901234567890')).to.equal('12345678901234567890');
  });
});
