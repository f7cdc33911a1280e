// Every failure before the swap leaves the destination database exactly as it was, and no
// temporary file or database behind.
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { cleanupDest } from '../../../src/steps/cleanup.js';
import { StepError } from '../../../src/steps/errors.js';
import { move } from '../../../src/steps/move.js';
import { restoreDestination, type DestinationParams } from './destination.js';
import type { Host } from '../../../src/transport/types.js';
import {
  DEST_DB, ROLE, SRC_DB, TMP_DIR, USER,
  checksums, closeAll, corrupting, databases, destPathOf, ensureDump, ensureSource, eventually, labSsh, resetDest, tmpFiles,
} from './support.js';

const SECRET = 'hunter2-very-secret';

describe('steps on the lab: failures leave the destination as it was', function () {
  this.timeout(180_000);
  let db1: Host;
  let stage1: Host;
  let dump = '';
  let original: Record<string, string>;

  const params = (over: Partial<DestinationParams> = {}): DestinationParams => ({
    database: DEST_DB, role: ROLE, backupUser: USER, mode: 'swap', jobs: 1, excludeTables: [], fkConstraints: true,
    postRestoreSql: [], dumpPath: destPathOf(dump), ...over,
  });

  /** destdb unchanged, no _stagesync_* database, only the expected files in the tmp dir. */
  async function untouched(files: string[]): Promise<void> {
    expect(await checksums("stage1", DEST_DB)).to.deep.equal(original);
    expect(await databases('stage1', `${DEST_DB}_stagesync_%`)).to.deep.equal([]);
    expect(await eventually(() => tmpFiles(labSsh('stage1')), (f) => f.length === files.length)).to.deep.equal(files);
  }

  before(async function () {
    await requireLab(this);
    db1 = labSsh('db1');
    stage1 = labSsh('stage1');
    await Promise.all([ensureSource(), resetDest('stage1')]);
    dump = await ensureDump(db1);
    await cleanupDest(stage1, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump });
    const m = await move({ dumpPath: dump, source: { host: db1, backupUser: USER }, dests: [{ host: stage1, backupUser: USER, tmpDir: TMP_DIR }] });
    expect(m.dests[0]!.ok).to.equal(true);
    original = await checksums("stage1", DEST_DB);
  });
  after(closeAll);

  it('failing post-restore SQL: error names the statement, the secret is masked', async () => {
    let err: Error | undefined;
    await restoreDestination(stage1, params({
      postRestoreSql: [
        { sql: "UPDATE socialaccount_socialapp SET secret = $1 WHERE provider = 'google'", params: [SECRET] },
        { sql: 'SELECT $1::int', params: [SECRET] },
      ],
    })).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(StepError);
    expect(err!.message).to.match(/post-restore SQL #2 failed: invalid input syntax for type integer/);
    expect(err!.message).not.to.include(SECRET);
    await untouched([dump.split('/').pop()!]);
  });

  it('pg_restore killed mid-way', async () => {
    const fresh = `${DEST_DB}_stagesync_new`;
    const running = restoreDestination(stage1, params());
    running.catch(() => undefined);
    // End pg_restore's session as soon as it is restoring into the new database.
    const killed = await eventually(
      () => psql('stage1', `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${fresh}' AND application_name = 'stagesync-restore'`),
      (n) => n !== '0',
      30_000,
    );
    expect(killed).not.to.equal('0');
    let err: Error | undefined;
    await running.catch((e: Error) => (err = e));
    expect(err?.message).to.match(/pg_restore into steps_stage_stagesync_new failed/);
    await untouched([dump.split('/').pop()!]);
  });

  it('SSH connection to the destination cut mid-move: that destination fails, nothing left there', async () => {
    await cleanupDest(stage1, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump });
    const victim = labSsh('stage1');
    const m = await move({
      dumpPath: dump,
      source: { host: db1, backupUser: USER },
      dests: [{ host: victim, backupUser: USER, tmpDir: TMP_DIR }],
      onProgress: (b) => b > 2 ** 20 && void victim.close(),
    });
    expect(m.dests[0]!.ok).to.equal(false);
    await untouched([]);
  });

  it('SSH connection to the source cut mid-move: the move fails, no partial file on the destination', async () => {
    const src = labSsh('db1');
    let err: Error | undefined;
    await move({
      dumpPath: dump,
      source: { host: src, backupUser: USER },
      dests: [{ host: stage1, backupUser: USER, tmpDir: TMP_DIR }],
      onProgress: (b) => b > 2 ** 20 && void src.close(),
    }).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(StepError);
    await untouched([]);
  });

  it('a byte corrupted on the way: sha256 mismatch, the file is removed', async () => {
    const m = await move({ dumpPath: dump, source: { host: db1, backupUser: USER }, dests: [{ host: corrupting(stage1, 1000), backupUser: USER, tmpDir: TMP_DIR }] });
    expect(m.dests[0]!.ok).to.equal(false);
    if (!m.dests[0]!.ok) expect(m.dests[0]!.error.message).to.match(/sha256 mismatch/);
    await untouched([]);
    expect(await psql('db1', 'SELECT 1', SRC_DB)).to.equal('1');
  });
});
