// stagesync_post_restore_commands on a destination: sh -c as the login user; non-zero fails.
import { expect } from 'chai';
import type { Host } from '../../../src/transport/types.js';
import { requireLab } from '../../lab/index.js';
import { StepError } from '../../../src/steps/errors.js';
import { runCommands } from '../../../src/steps/post-commands.js';
import { gatherFacts } from '../../../src/steps/preflight.js';
import { closeAll, labSsh } from './support.js';

describe('steps on the lab: post-restore commands and become', function () {
  this.timeout(60_000);
  let stage1: Host;
  before(async function () {
    await requireLab(this);
    stage1 = labSsh('stage1');
  });
  after(closeAll);

  it('runs each string under sh -c as the login user, hook items as their become_user', async () => {
    const r = await runCommands(stage1, ['echo "$(id -un) at $(hostname)" | tr a-z A-Z', { command: 'id -un', becomeUser: 'postgres' }]);
    expect(r.map((x) => x.output)).to.deep.equal(['ROOT AT STAGE1', 'postgres']);
  });

  it('stops at the first non-zero exit with its output', async () => {
    let err: Error | undefined;
    await runCommands(stage1, ['echo migrating; echo boom >&2; exit 3', 'touch /tmp/never']).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(StepError);
    expect(err!.message).to.match(/`echo migrating; echo boom >&2; exit 3` exited with 3\nmigrating\n\s*boom/);
    expect((await stage1.exec({ script: 'test -e /tmp/never' })).code).to.equal(1);
  });

  it('preflight refuses a backup user that become cannot reach', async () => {
    let err: Error | undefined;
    await gatherFacts(stage1, { backupUser: 'nosuchuser', database: 'x', dirs: ['/tmp'] }).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/become nosuchuser failed|nosuchuser/);
  });

  it('preflight names psql when the server cannot be reached; a dir not made yet is measured at its nearest parent', async () => {
    let err: Error | undefined;
    await gatherFacts(stage1, { backupUser: 'postgres', database: 'x', dirs: ['/tmp'], pg: { socketDir: '/nonexistent' } }).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/preflight: psql exited with 2[\s\S]*\/nonexistent/);
    const f = await gatherFacts(stage1, { backupUser: 'postgres', database: 'postgres', dirs: ['/tmp/not/yet/made', '/var/lib/postgresql'] });
    expect(Object.keys(f.free)).to.deep.equal(['/tmp/not/yet/made', '/var/lib/postgresql']);
    expect(f.dbSize).to.be.greaterThan(0);
  });
});
