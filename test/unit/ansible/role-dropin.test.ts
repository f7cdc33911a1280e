// The Stage Sync role's files, used unchanged: its defaults copied to group_vars/stagesync/main.yml
// (as its README says) and a per-pair vars file with the social app credentials.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/cli.js';
import { ROLE_SOCIAL_UPDATE_SQL } from '../../../src/plan/build.js';
import { UserError } from '../../../src/errors.js';
import { planFor } from './plan-for.js';

// The role's defaults/main.yml, as its README says to copy it to group_vars/stagesync/main.yml.
const ROLE_DEFAULTS = readFileSync(join(repoRoot, 'test/fixtures/stagesync-role/defaults-main.yml'), 'utf8');
const INVENTORY = '[stagesync]\ndb1\nstage1\nlocalhost\n[stagesync-sourcedb]\ndb1\n[stagesync-destdb]\nstage1\n';

describe("Stage Sync role drop-in", () => {
  it("Ansible (the role) accepts its defaults in group_vars/stagesync/main.yml and a pair's social credentials", () => {
    const plan = planFor({
      'inventories/hosts': INVENTORY,
      'group_vars/stagesync/main.yml': ROLE_DEFAULTS,
      'vars/pair.yml': 'stagesync_destdb: stage\nstagesync_social_client_id: "stage-client"\nstagesync_social_secret: "stage-s3cret-value"\n',
    });
    expect(plan.db!.destinations[0]!.postRestoreSql).to.deep.equal([]);
  });
  it('stagesync_post_restore_update_db: true does what the role task does, with bound parameters; the secret is a secret', () => {
    const plan = planFor({
      'inventories/hosts': INVENTORY,
      'group_vars/stagesync/main.yml': ROLE_DEFAULTS,
      'vars/pair.yml': 'stagesync_post_restore_update_db: true\nstagesync_social_client_id: "stage-client"\nstagesync_social_secret: "stage-s3cret-value"\n',
    });
    expect(plan.db!.destinations[0]!.postRestoreSql).to.deep.equal([{ sql: ROLE_SOCIAL_UPDATE_SQL, params: ['stage-client', 'stage-s3cret-value'] }]);
    expect(ROLE_SOCIAL_UPDATE_SQL).to.equal("UPDATE socialaccount_socialapp SET client_id = $1, secret = $2 WHERE provider = 'github'");
    expect(plan.secrets).to.include('stage-s3cret-value');
  });
  it('stagesync_post_restore_update_db: true without the credentials is refused, naming where it was turned on', () => {
    expect(() => planFor({ 'vars/pair.yml': 'stagesync_post_restore_update_db: true\nstagesync_social_client_id: x1\n' })).to.throw(UserError, /must be set when stagesync_post_restore_update_db is true/);
  });
  it('a stagesync_* name close to a known one stays an error (no silent default database)', () => {
    expect(() => planFor({ 'vars/pair.yml': 'stagesync_social_secert: x\n' })).to.throw(UserError, /unknown variable; did you mean stagesync_social_secret/);
  });
});
