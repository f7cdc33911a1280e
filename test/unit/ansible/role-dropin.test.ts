// The Stage Sync role's files, used unchanged: its defaults copied to group_vars/stagesync/main.yml
// (as its README says) and a per-pair vars file with the social app credentials.
import { expect } from 'chai';
import { ROLE_SOCIAL_UPDATE_SQL } from '../../../src/plan/build.js';
import { UserError } from '../../../src/errors.js';
import { planFor } from './plan-for.js';

// Every variable of the role's defaults/main.yml, with its values.
const ROLE_DEFAULTS = `---
stagesync_hosted_repo: https://github.com/example/example
stagesync_local_repo: /opt/.github/example/example
stagesync_source_gitbranch: "origin/master"
stagesync_destination_gitbranch: "origin/develop"
stagesync_compare_git_commits: true
stagesync_backup_script: "/var/lib/postgresql/scripts/postgresbackup.sh"
stagesync_source_backups_dir: "/opt/backups/postgres"
stagesync_source_tmp_dir: "/tmp/stagesync"
stagesync_dest_tmp_dir: "/tmp/stagesync"
stagesync_backup_user: postgres
stagesync_backup_group: postgres
stagesync_execute_backup: true
stagesync_aws_region: us-east-2
stagesync_backups_create_backups_scripts: true
stagesync_backups_script_template: "postgresbackup.sh.j2"
stagesync_backups_cleanup_script_template: "cleanup.sh.j2"
stagesync_backups_upload_to_bucket: "no"
stagesync_backups_s3_bucket: s3://examplebackups/db1/daily/
stagesync_backups_s3_weekly_bucket: s3://examplebackups/db1/weekly/
stagesync_backups_s3_cmd: "/usr/local/bin/aws s3"
stagesync_backups_psql: "/usr/lib/postgresql/15/bin/psql"
stagesync_backups_pgdump: "/usr/lib/postgresql/15/bin/pg_dump"
stagesync_post_restore_update_db: false
stagesync_sourcedb: "production"
stagesync_destdb: "stage"
stagesync_destdb_role: "stage"
stagesync_copies: []
stagesync_social_client_id: "123"
stagesync_social_secret: "456"
`;
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
  it('a stagesync_* name close to a known one stays an error (no silent default database)', () => {
    expect(() => planFor({ 'vars/pair.yml': 'stagesync_social_secert: x\n' })).to.throw(UserError, /unknown variable; did you mean stagesync_social_secret/);
  });
});
