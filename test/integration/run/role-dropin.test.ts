// The Stage Sync role's files on a real run: its defaults as group_vars/stagesync/main.yml, a pair
// file with stagesync_post_restore_update_db, the social secret in Ansible Vault (a fixture made
// by ansible-vault). The github row gets the staging credentials; the secret is never printed.
import { expect } from 'chai';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { psql, requireLab } from '../../lab/index.js';
import { repoRoot } from '../../support/cli.js';
import { allOutput, Ops, staleDest } from './support.js';

const DB = 'e2e_role';
const SECRET = 'stage-oauth-s3cret'; // in test/fixtures/vault/inline-1.1.yml

describe('Stage Sync role drop-in on the lab', function () {
  this.timeout(300_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage1', DB);
  });
  after(() => ops?.remove());

  it('stagesync_post_restore_update_db: the github social app gets the vaulted staging credentials', async () => {
    ops.write('group_vars/stagesync/main.yml', readFileSync(join(repoRoot, 'test/fixtures/stagesync-role/defaults-main.yml'), 'utf8'));
    for (const f of ['inline-1.1.yml', 'password.txt']) copyFileSync(join(repoRoot, 'test/fixtures/vault', f), join(ops.dir, f));
    ops.write(
      'vars/role-pair.yml',
      ['stagesync_dest_hosts: stage1', `stagesync_destdb: ${DB}`, 'stagesync_compare_git_commits: false', 'stagesync_post_restore_update_db: true', 'stagesync_social_client_id: "stage1-github-client"', ''].join('\n'),
    );
    const report = join(ops.dir, 'r.json');
    const r = await ops.run(['-e', '@vars/role-pair.yml', '-e', '@inline-1.1.yml', '--vault-password-file', 'password.txt', '-t', 'db', '-vvv', '--confirm', DB, '--report', report]);
    expect(r.code, allOutput(r).slice(-3000)).to.equal(0);
    const rows = await psql('stage1', "SELECT provider || '=' || client_id || '/' || secret FROM socialaccount_socialapp ORDER BY provider", DB);
    expect(rows.split('\n')).to.deep.equal([
      'apple=com.example.prod.signin/prod-apple-SECRET-do-not-leak',
      `github=stage1-github-client/${SECRET}`,
      'google=prod-google-client-id.apps.googleusercontent.com/prod-google-SECRET-do-not-leak',
    ]);
    expect(allOutput(r)).not.to.contain(SECRET);
    expect(readFileSync(report, 'utf8')).not.to.contain(SECRET);
  });
});
