import { expect } from 'chai';
import { UserError } from '../../../src/errors.js';
import { parseExtraVars } from '../../../src/vars/extra-vars.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

describe('-e / --extra-vars', () => {
  after(cleanTmpTrees);
  const dir = () => tmpTree({ 'vars/p.yml': 'stagesync_destdb: stage1\nn: 5\n', 'vars/p.json': '{"j": 1}', 'vars/empty.yml': '' });

  it('k=v pairs: every value is a string, quotes group words', () => {
    expect(parseExtraVars(['n=5 b=true msg="hello world" q=\'x=y\''], dir()).values).to.deep.equal({
      n: '5', b: 'true', msg: 'hello world', q: 'x=y',
    });
  });
  it('@file reads YAML with its types, origins naming the file and line', () => {
    const v = parseExtraVars(['@vars/p.yml'], dir());
    expect(v.values).to.deep.equal({ stagesync_destdb: 'stage1', n: 5 });
    expect(v.origins.n).to.include({ file: 'vars/p.yml', line: 2 });
  });
  it('a bare existing .yml/.json path is a file too (our extension)', () => {
    const d = dir();
    expect(parseExtraVars(['vars/p.yml'], d).values).to.deep.equal(parseExtraVars(['@vars/p.yml'], d).values);
    expect(parseExtraVars(['./vars/p.json'], d).values).to.deep.equal({ j: 1 });
  });
  it('inline JSON or YAML keeps types', () => {
    expect(parseExtraVars(['{"n": 5, "l": [1]}', '{a: yes}'], dir()).values).to.deep.equal({ n: 5, l: [1], a: true });
  });
  it('later values win per top-level key', () => {
    expect(parseExtraVars(['@vars/p.yml', 'n=6'], dir()).values.n).to.equal('6');
    expect(parseExtraVars(['n=6', '@vars/p.yml'], dir()).values.n).to.equal(5);
  });
  it('inline values name -e as their origin', () => {
    expect(parseExtraVars(['k=v'], dir()).origins.k).to.deep.equal({ file: '-e' });
  });
  it('rejects a ./ or / value that is not an existing vars file', () => {
    expect(() => parseExtraVars(['./vars/missing.yml'], dir())).to.throw(UserError, /prefix a file with '@'/);
    expect(() => parseExtraVars(['/nonexistent/x'], dir())).to.throw(UserError);
  });
  it('rejects a missing @file, an empty @file, a list and a bare word', () => {
    expect(() => parseExtraVars(['@vars/missing.yml'], dir())).to.throw(UserError, /file not found/);
    expect(() => parseExtraVars(['@vars/empty.yml'], dir())).to.throw(UserError, /empty/);
    expect(() => parseExtraVars(['[1, 2]'], dir())).to.throw(UserError, /mapping/);
    expect(() => parseExtraVars(['vars/missing.yml'], dir())).to.throw(UserError, /expected key=value/);
  });
});
