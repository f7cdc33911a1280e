import { expect } from 'chai';
import { join } from 'node:path';
import { findVarsFiles, VarsFileCache } from '../../../src/vars/vars-dirs.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

describe('group_vars / host_vars files', () => {
  after(cleanTmpTrees);
  const load = (dir: string, name = 'all') => new VarsFileCache(dir).load(dir, 'group_vars', name);

  it('reads the file form group_vars/<name>.yml', () => {
    const dir = tmpTree({ 'group_vars/web.yml': 'a: 1\n' });
    expect(load(dir, 'web').values).to.deep.equal({ a: 1 });
  });

  it('reads an extensionless file and .yaml / .json forms', () => {
    expect(load(tmpTree({ 'group_vars/all': 'a: 1\n' })).values).to.deep.equal({ a: 1 });
    expect(load(tmpTree({ 'group_vars/all.yaml': 'a: 2\n' })).values).to.deep.equal({ a: 2 });
    expect(load(tmpTree({ 'group_vars/all.json': '{"a": 3}' })).values).to.deep.equal({ a: 3 });
  });

  it('uses only the first existing of N, N.yml, N.yaml, N.json', () => {
    const dir = tmpTree({ 'group_vars/all.yml': 'a: yml\n', 'group_vars/all.yaml': 'a: yaml\nb: 1\n', 'group_vars/all.json': '{"c": 1}' });
    expect(load(dir).values).to.deep.equal({ a: 'yml' });
  });

  it('an empty group_vars/all/ directory hides all.yml (ansible#81182)', () => {
    const dir = tmpTree({ 'group_vars/all/': '', 'group_vars/all.yml': 'a: 1\n' });
    expect(findVarsFiles(dir, 'group_vars', 'all')).to.deep.equal([]);
    expect(load(dir).values).to.deep.equal({});
  });

  it('reads a directory recursively, sorted, later file winning; skips hidden, backups and other extensions', () => {
    const dir = tmpTree({
      'group_vars/all/b.yml': 'a: b\nfrom_b: 1\n',
      'group_vars/all/a.yml': 'a: a\n',
      'group_vars/all/c/inner.yml': 'a: inner\n',
      'group_vars/all/vault': 'secret: s\n',
      'group_vars/all/.hidden.yml': 'a: hidden\n',
      'group_vars/all/d.yml~': 'a: backup\n',
      'group_vars/all/notes.txt': 'a: txt\n',
      'group_vars/all/sub.d/x.yml': 'a: dotted-dir\n',
    });
    const files = findVarsFiles(dir, 'group_vars', 'all').map((f) => f.slice(join(dir, 'group_vars/all/').length));
    expect(files).to.deep.equal(['a.yml', 'b.yml', 'c/inner.yml', 'vault']);
    expect(load(dir).values).to.deep.equal({ a: 'inner', from_b: 1, secret: 's' });
    expect(load(dir).origins.a!.file).to.equal(join('group_vars', 'all', 'c', 'inner.yml'));
  });

  it('ignores empty files', () => {
    const dir = tmpTree({ 'group_vars/all/a.yml': 'a: 1\n', 'group_vars/all/b.yml': '# nothing\n' });
    expect(load(dir).values).to.deep.equal({ a: 1 });
  });

  it('host_vars uses the inventory name the same way', () => {
    const dir = tmpTree({ 'host_vars/db1.example.com/main.yml': 'x: 1\n' });
    expect(new VarsFileCache(dir).load(dir, 'host_vars', 'db1.example.com').values).to.deep.equal({ x: 1 });
  });

  it('records file and line of every key, and lines of nested values', () => {
    const dir = tmpTree({ 'vars/p.yml': '---\nstagesync_copies:\n  - source_bucket: a\n    dest_bucket: 5\n' });
    const cache = new VarsFileCache(dir);
    const v = cache.read(join(dir, 'vars/p.yml'))!;
    expect(v.origins.stagesync_copies!.file).to.equal(join('vars', 'p.yml'));
    expect(v.origins.stagesync_copies!.line).to.equal(2);
    expect(v.origins.stagesync_copies!.pointerLines!['/stagesync_copies/0/dest_bucket']).to.equal(4);
  });
});
