import { expect } from 'chai';
import { renderString } from '../../../src/template/index.js';
import { UserError } from '../../../src/errors.js';

const vars = { d: { k: 'v', n: null }, list: [1, 2], s: 'str', nothing: null, flag: false };

function error(src: string): string {
  try {
    renderString(src, vars, { name: 'vars/p.yml' });
  } catch (e) {
    expect(e).to.be.instanceOf(UserError);
    return (e as UserError).oneLine();
  }
  throw new Error(`expected ${JSON.stringify(src)} to fail`);
}

describe('templates: undefined variables fail as in Ansible', () => {
  const failing: [string, string][] = [
    ['output', '{{ x }}'],
    ['attribute of undefined', '{{ x.y }}'],
    ['item of undefined', "{{ x['y'] }}"],
    ['deep attribute', '{{ x.y.z }}'],
    ['if', '{% if x %}a{% endif %}'],
    ['elif', '{% if flag %}a{% elif x %}b{% endif %}'],
    ['not', '{{ not x }}'],
    ['and / or', '{{ flag or x }}'],
    ['comparison', '{{ x == 1 }}'],
    ['in', '{{ 1 in x }}'],
    ['inline if', "{{ 'a' if x else 'b' }}"],
    ['filter input', '{{ x | upper }}'],
    ['filter argument', "{{ s | replace('s', x) }}"],
    ['for loop', '{% for i in x %}{{ i }}{% endfor %}'],
    ['concatenation', "{{ x ~ 'a' }}"],
    ['arithmetic', '{{ x + 1 }}'],
    ['call', '{{ x() }}'],
    ['set then use', '{% set y = x %}{{ y }}'],
    ['a test other than defined', '{{ x is string }}'],
  ];
  for (const [what, src] of failing) {
    it(`${what}: ${src}`, () => {
      expect(error(src)).to.equal("vars/p.yml:1: 'x' is undefined");
    });
  }

  it('names missing attributes and elements like Ansible', () => {
    expect(error('{{ d.nope }}')).to.equal("vars/p.yml:1: 'dict object' has no attribute 'nope'");
    expect(error('{{ list[7] }}')).to.equal("vars/p.yml:1: 'list object' has no element 7");
    expect(error('{{ nothing.k }}')).to.equal("vars/p.yml:1: 'None' has no attribute 'k'");
  });

  it('reports the line of the failing expression', () => {
    expect(error('a\nb\n{% if flag %}\n{% endif %}\n  {{ x }}\n')).to.equal("vars/p.yml:5: 'x' is undefined");
  });

  it('reports syntax errors with their line', () => {
    expect(error('ok\n{% if %}')).to.match(/^vars\/p\.yml:2: /);
  });

  const guarded: [string, string][] = [
    ['{{ x | default("dflt") }}', 'dflt'],
    ['{{ x.y.z | default("dflt") }}', 'dflt'],
    ['{{ d.nope | default("dflt") }}', 'dflt'],
    ['{% if x is defined %}yes{% else %}no{% endif %}', 'no'],
    ['{% if x is undefined %}yes{% endif %}', 'yes'],
    ['{% if x is defined and x.y %}yes{% else %}no{% endif %}', 'no'],
    ['{% if d.k is defined %}{{ d.k }}{% endif %}', 'v'],
    ['{{ d.n is none }}', 'True'],
    ['{{ nothing | default("d") }}', ''],
    ['[{{ nothing }}]', '[]'],
    ['{% for k, v in d.items() %}{{ k }}{% endfor %}', 'kn'],
    ['{% for k in d %}{{ k }}{% endfor %}', 'kn'],
    ['{% for k, v in d %}{{ v }}{% endfor %}', 'v'],
    ['{% for i in list %}{{ i }}{% endfor %}', '12'],
    ['{{ list[1:] | join(",") }}', '2'],
    ['{{ True }} {{ None is none }}', 'True True'],
  ];
  for (const [src, out] of guarded) {
    it(`guarded: ${src}`, () => {
      expect(renderString(src, vars)).to.equal(out);
    });
  }

  it('prints None as an empty string, as Ansible does (null is defined)', () => {
    expect(renderString('a{{ nothing }}b{{ d.n }}', vars)).to.equal('ab');
  });

  it('fails on an undefined macro argument', () => {
    expect(error('{% macro m(a) %}{{ a }}{% endmacro %}{{ m() }}')).to.match(/undefined/);
  });

  it('keeps the trailing newline and trims the newline after a block tag, not leading spaces', () => {
    expect(renderString('a\n  {% if flag %}x{% endif %}\nb\n', vars)).to.equal('a\n  b\n');
  });

  it('does not escape HTML', () => {
    expect(renderString('{{ v }}', { v: '<a & "b">' })).to.equal('<a & "b">');
  });
});
