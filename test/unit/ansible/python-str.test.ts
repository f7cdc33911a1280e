// Non-strings inside a string print as Python's str()/repr() do; each expectation is what
// ansible-core printed for the same template.
import { expect } from 'chai';
import { renderString } from '../../../src/template/render.js';
import { PyFloat, pyRepr, pyStr, toPlain } from '../../../src/template/python.js';

describe('Python-style rendering', () => {
  const r = (src: string, vars: Record<string, unknown> = {}) => renderString(src, vars);

  it("Ansible gives [\"it's\"] and {'k': 'x\\'y\"z'}: repr picks the quotes Python picks", () => {
    expect(r('{{ [s] }}', { s: "it's" })).to.equal(`["it's"]`);
    expect(r("x{{ {'k': s} }}", { s: `x'y"z` })).to.equal(`x{'k': 'x\\'y"z'}`);
  });
  it("Ansible gives x1e-07, x1e+21, x-0.5, x2.5 for floats", () => {
    expect(r('x{{ 0.0000001 }}|{{ big }}|{{ -0.5 }}|{{ 10 / 4 }}', { big: 1e21 })).to.equal('x1e-07|1e+21|-0.5|2.5');
  });
  it("Ansible gives x[None, True, 1.5, 'a\\nb'] and ['é', '\\t']", () => {
    expect(r("x{{ [none, true, 1.5, 'a\\nb'] }}", { none: null })).to.equal("x[None, True, 1.5, 'a\\nb']");
    expect(r('x{{ s }}', { s: ['é', '\t'] })).to.equal("x['é', '\\t']");
  });
  it("Ansible gives 'f: 1.0\\ng: 1.5\\nl: [2.0, 3]\\n' for to_yaml of floats", () => {
    expect(r('{{ v | to_yaml }}', { v: { f: new PyFloat(1), l: [new PyFloat(2), 3], g: 1.5 } })).to.equal('f: 1.0\ng: 1.5\nl: [2.0, 3]\n');
  });
  it('a YAML float 1.0 stays a float for templates and a plain number elsewhere', () => {
    expect(pyStr(new PyFloat(1))).to.equal('1.0');
    expect(pyRepr([new PyFloat(2), 3])).to.equal('[2.0, 3]');
    expect(toPlain({ a: [new PyFloat(2)] })).to.deep.equal({ a: [2] });
    expect(JSON.stringify({ f: new PyFloat(1) })).to.equal('{"f":1}');
  });
});
