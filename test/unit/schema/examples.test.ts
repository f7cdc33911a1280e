// The ops files shipped as examples must pass the schema as a user would load them.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { collectVarErrors } from '../../../src/schema/validate.js';
import { packageRoot } from '../../../src/util/paths.js';
import { defaults, sourced } from './helpers.js';

const root = packageRoot();
const load = (rel: string) => (parse(readFileSync(join(root, rel), 'utf8'), { version: '1.1' }) ?? {}) as Record<string, unknown>;

describe('example ops files', () => {
  const varsFiles = readdirSync(join(root, 'vars')).filter((f) => /\.ya?ml$/.test(f)).map((f) => `vars/${f}`);

  it('the repo ships the three example pair files', () => {
    expect(varsFiles).to.include.members(['vars/prod-to-stage1.yml', 'vars/prod-to-stage2.yml', 'vars/stage1-to-dev.yml']);
  });

  for (const f of ['vars/prod-to-stage1.yml', 'vars/prod-to-stage2.yml', 'vars/stage1-to-dev.yml']) {
    it(`${f} passes the schema on top of the defaults`, () => {
      expect(collectVarErrors(sourced(load(f), f))).to.deep.equal([]);
    });
  }

  it('group_vars/stagesync/main.yml shows every default, commented out, with the schema modeline', () => {
    const text = readFileSync(join(root, 'group_vars/stagesync/main.yml'), 'utf8');
    expect(text.split('\n')[0]).to.equal('# yaml-language-server: $schema=../../schema/stagesync.schema.json');
    expect(load('group_vars/stagesync/main.yml')).to.deep.equal({}); // all commented out
    // Only `# name: value` lines are variables; `# stagesync_copies:` alone heads an example.
    const uncommented = parse(text.replace(/^# (stagesync_\w+: \S.*)$/gm, '$1'), { version: '1.1' });
    expect(uncommented).to.deep.equal(defaults());
  });
});
