import { expect } from 'chai';
import { renderString } from '../../../src/template/index.js';
import { parse } from 'yaml';
import { UserError } from '../../../src/errors.js';

const r = (src: string, vars: Record<string, unknown> = {}) => renderString(src, vars);
const fails = (src: string, vars: Record<string, unknown> = {}): string => {
  try {
    renderString(src, vars, { name: 't.j2' });
  } catch (e) {
    expect(e).to.be.instanceOf(UserError);
    return (e as UserError).oneLine();
  }
  throw new Error(`expected ${src} to fail`);
};

describe('template filters (Ansible parity)', () => {
  describe('to_json / to_nice_json', () => {
    it('uses Python spacing and escapes non-ASCII', () => {
      expect(r('{{ v | to_json }}', { v: { a: [1, 'x'], b: null, c: true } })).to.equal('{"a": [1, "x"], "b": null, "c": true}');
      expect(r('{{ v | to_json }}', { v: 'é ✓ 😀 "q" \\ \n' })).to.equal('"\\u00e9 \\u2713 \\ud83d\\ude00 \\"q\\" \\\\ \\n"');
      expect(r('{{ v | to_json }}', { v: [] })).to.equal('[]');
      expect(r('{{ v | to_json }}', { v: { b: 1, a: 2 } })).to.equal('{"b": 1, "a": 2}');
    });
    it('to_json accepts indent and sort_keys like json.dumps', () => {
      expect(r('{{ v | to_json(indent=2, sort_keys=true) }}', { v: { b: 1, a: [] } })).to.equal('{\n  "a": [],\n  "b": 1\n}');
    });
    it('to_nice_json indents by 4, sorts keys, no trailing spaces', () => {
      expect(r('{{ v | to_nice_json }}', { v: { b: [1, { d: 'ü' }], a: {} } })).to.equal(
        '{\n    "a": {},\n    "b": [\n        1,\n        {\n            "d": "\\u00fc"\n        }\n    ]\n}',
      );
    });
  });

  describe('to_yaml / to_nice_yaml', () => {
    const v = { b: [1, 2], a: { c: 'yes', d: [{ x: 1 }] } };
    it('to_yaml sorts keys and writes leaf collections inline', () => {
      expect(r('{{ v | to_yaml }}', { v })).to.equal("a:\n  c: 'yes'\n  d:\n  - {x: 1}\nb: [1, 2]\n");
    });
    it('to_nice_yaml is block style, keys sorted, mappings indented by 4, and reads back the same', () => {
      const out = r('{{ v | to_nice_yaml }}', { v });
      expect(out).to.match(/^a:\n    c: 'yes'\n    d:\n/);
      expect(out).not.to.match(/[[{]/);
      expect(parse(out, { version: '1.1' })).to.deep.equal(v);
    });
  });

  describe('bool', () => {
    const cases: [unknown, unknown][] = [
      ['yes', true], ['YES', true], ['On', true], ['1', true], ['TRUE', true], [1, true], [true, true],
      ['no', false], ['y', false], ['t', false], ['', false], [0, false], [2, false], ['anything', false], [false, false],
    ];
    for (const [input, out] of cases) {
      it(`${JSON.stringify(input)} → ${String(out)}`, () => {
        expect(r('{{ (v | bool) | to_json }}', { v: input })).to.equal(String(out));
      });
    }
    it('null stays null', () => {
      expect(r('{{ v | bool | to_json }}', { v: null })).to.equal('null');
    });
  });

  describe('basename / dirname (Python os.path)', () => {
    const cases: [string, string, string][] = [
      ['/a/b/', '', '/a/b'],
      ['/a/b', 'b', '/a'],
      ['f', 'f', ''],
      ['/', '', '/'],
      ['//x', 'x', '//'],
      ['a//b', 'b', 'a'],
      ['', '', ''],
      ['/opt/backups/postgres', 'postgres', '/opt/backups'],
    ];
    for (const [p, base, dir] of cases) {
      it(`${JSON.stringify(p)} → ${JSON.stringify(base)}, ${JSON.stringify(dir)}`, () => {
        expect(r('{{ p | basename }}', { p })).to.equal(base);
        expect(r('{{ p | dirname }}', { p })).to.equal(dir);
      });
    }
  });

  describe('quote', () => {
    it('quotes through the shared shell quoting', () => {
      expect(r('{{ v | quote }}', { v: '' })).to.equal("''");
      expect(r('{{ v | quote }}', { v: 'safe/path-1.dump' })).to.equal('safe/path-1.dump');
      expect(r('{{ v | quote }}', { v: "it's $(x)" })).to.equal(`'it'"'"'s $(x)'`);
      expect(r('{{ v | quote }}', { v: 42 })).to.equal('42');
      expect(r('{{ v | quote }}', { v: null })).to.equal("''");
      expect(r('{{ v | quote }}', { v: true })).to.equal('True');
    });
    it('quotes each item of a list (extension)', () => {
      expect(r('{{ v | quote }}', { v: ['a b', 'c'] })).to.equal("'a b' c");
    });
  });

  describe('string literals, as Python reads them', () => {
    it('an unknown escape keeps its backslash; \\n, \\x41, \\u00e9, octal and \\\\ are escapes', () => {
      expect(r(`{{ '1a22' | regex_replace('\\d+', 'N') }}`)).to.equal('NaN');
      expect(r(`{{ 'a.b' | regex_replace('\\.', '-') }}`)).to.equal('a-b');
      expect(r(`{{ '\\x41\\u00e9\\101|\\\\d|\\'' }}`)).to.equal("Aé" + "A|\\d|'");
      expect(r(`{{ 'a\\nb' | length }}`)).to.equal('3');
      expect(fails(`{{ '\\x4' }}`)).to.contain('truncated');
    });
  });

  describe('the tests match, search and regex', () => {
    it('match anchors at the start (re.match), search anywhere (re.search), with ignorecase and keywords', () => {
      expect(r(`{{ 'stage1' is match('stage') }}`)).to.equal('True');
      expect(r(`{{ 'dev-stage1' is match('stage') }}`)).to.equal('False');
      expect(r(`{{ 'dev-stage1' is search('stage') }}`)).to.equal('True');
      expect(r(`{{ 'STAGE1' is match('stage', ignorecase=true) }}`)).to.equal('True');
      expect(r(`{{ 'STAGE1' is match('stage') }}`)).to.equal('False');
      expect(r(`{{ v is search('^stage', multiline=true) }}`, { v: 'a\nstage' })).to.equal('True');
      expect(r(`{{ v is search('^stage') }}`, { v: 'a\nstage' })).to.equal('False');
      expect(r(`{{ 10 is divisibleby(5) and 'ab' is match('a', true) }}`)).to.equal('True');
      expect(r(`{{ 'dev-stage1' is regex('stage', match_type='match') }}`)).to.equal('False');
      expect(r(`{{ 'x-12' is regex('(?P<n>\\d+)$') }}`)).to.equal('True');
      expect(r(`{{ hosts | select('match', 'stage') | list }}`, { hosts: ['stage1', 'dev1', 'stage2'] })).to.equal("['stage1', 'stage2']");
    });
  });

  describe('regex_replace', () => {
    it('translates Python groups, back-references and replacement syntax', () => {
      expect(r(`{{ 'abc' | regex_replace('(?P<x>b)', '[\\\\g<x>]') }}`)).to.equal('a[b]c');
      expect(r(`{{ 'ab' | regex_replace('(a)(b)', '\\\\2\\\\1') }}`)).to.equal('ba');
      expect(r(`{{ 'ab' | regex_replace('(a)(b)', '\\\\g<2>0') }}`)).to.equal('b0');
      expect(r(`{{ 'aXa' | regex_replace('(?P<c>a)X(?P=c)', 'ok') }}`)).to.equal('ok');
    });
    it('treats $ in the replacement literally, as Python does', () => {
      expect(r(`{{ 'a.b' | regex_replace('\\\\.', '$&$1') }}`)).to.equal('a$&$1b');
    });
    it('honours ignorecase, multiline and count', () => {
      expect(r(`{{ 'aAa' | regex_replace('a', 'x', ignorecase=true) }}`)).to.equal('xxx');
      expect(r(`{{ v | regex_replace('^x', 'y', multiline=true) }}`, { v: 'x1\nx2' })).to.equal('y1\ny2');
      expect(r(`{{ v | regex_replace('^x', 'y') }}`, { v: 'x1\nx2' })).to.equal('y1\nx2');
      expect(r(`{{ 'aaa' | regex_replace('a', 'b', count=2) }}`)).to.equal('bba');
    });
    it('replaces an unmatched group with the empty string', () => {
      expect(r(`{{ 'b' | regex_replace('(a)?b', '[\\\\1]') }}`)).to.equal('[]');
    });
  });

  describe('int (Jinja semantics)', () => {
    const cases: [unknown, number][] = [['12', 12], [' 7 ', 7], ['42.9', 42], ['-3.5', -3], ['12abc', 0], ['', 0], [null, 0], [true, 1], [3.99, 3], ['1_000', 1000]];
    for (const [v, out] of cases) {
      it(`${JSON.stringify(v)} → ${out}`, () => expect(r('{{ v | int }}', { v })).to.equal(String(out)));
    }
    it('takes a default and a base', () => {
      expect(r(`{{ 'x' | int(5) }}`)).to.equal('5');
      expect(r(`{{ '0x1F' | int(base=16) }}`)).to.equal('31');
      expect(r(`{{ 'ff' | int(0, 16) }}`)).to.equal('255');
    });
  });

  describe('mandatory / default', () => {
    it('mandatory passes defined values and fails on undefined with Ansible’s message or the given one', () => {
      expect(r('{{ v | mandatory }}', { v: 'ok' })).to.equal('ok');
      expect(fails('{{ nope | mandatory }}')).to.equal("t.j2:1: Mandatory variable 'nope' not defined.");
      expect(fails("{{ nope | mandatory('set nope in vars/') }}")).to.equal('t.j2:1: set nope in vars/');
    });
    it('default replaces only undefined unless boolean is true', () => {
      expect(r(`{{ nope | default('d') }}`)).to.equal('d');
      expect(r(`{{ v | default('d') }}`, { v: '' })).to.equal('');
      expect(r(`{{ v | default('d', true) }}`, { v: '' })).to.equal('d');
      expect(r(`{{ v | d('d') }}`, { v: 0 })).to.equal('0');
    });
  });
});
