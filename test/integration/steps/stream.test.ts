// The pipelined backup → move → restore on the lab: the rendered script run with --stdout, the
// bytes fanned out to stage1 (restoring as they arrive) and stage2 (the file only). Every failure
// leaves the destination database as it was once the caller drops the new copy (as the run does),
// and no file behind on any destination.
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { installScripts } from '../../../src/steps/backup.js';
import { cleanupDest } from '../../../src/steps/cleanup.js';
import { UpstreamFailed } from '../../../src/steps/errors.js';
import { readFilteredToc, writeFileAs } from '../../../src/steps/pg-restore.js';
import { streamDump, type StreamDest, type StreamRun } from '../../../src/steps/stream.js';
import { renderTemplate } from '../../../src/template/index.js';
import { verifyRestore } from '../../../src/steps/verify.js';
import type { Host } from '../../../src/transport/types.js';
import {
  BACKUPS_DIR, DEST_DB, ROLE, SRC_DB, TMP_DIR, USER,
  checksums, closeAll, corrupting, databases, ensureDump, eventually, labHosts, labSsh, resetDest, tmpFiles,
} from './support.js';

const SCRIPT = '/var/lib/postgresql/scripts/steps-stream.sh';
/** The same script read by a slow network (64 KiB every 50 ms): the dump is still running when a destination fails. */
const SLOW_SCRIPT = '/var/lib/postgresql/scripts/steps-stream-slow.sh';

/** Every part of a stream settled: what each resolved to, or its error. */
async function settle(s: StreamRun) {
  const [backup, move, ...restores] = await Promise.allSettled([s.backup, s.move, ...s.restores.values()]);
  return { backup, move, restores: Object.fromEntries([...s.restores.keys()].map((k, i) => [k, restores[i]!])) };
}

const reason = (r: PromiseSettledResult<unknown>): Error => {
  if (r.status !== 'rejected') throw new Error('expected a failure, got success');
  return r.reason as Error;
};

describe('steps on the lab: the pipelined backup → move → restore', function () {
  this.timeout(180_000);
  let db1: Host;
  let stage1: Host;
  let stage2: Host;
  let source: Record<string, string>;
  let original: Record<string, string>;
  let lastTable = '';

  const restoring = (host: Host, over: Partial<NonNullable<StreamDest['restore']>> = {}): StreamDest => ({
    host, backupUser: USER, tmpDir: TMP_DIR,
    restore: { database: DEST_DB, role: ROLE, mode: 'swap', excludeTables: [], fkConstraints: true, ...over },
  });
  const run = (dests: StreamDest[], over: { host?: Host; database?: string; script?: string; onProgress?: (b: number) => void } = {}) =>
    streamDump({ source: { host: over.host ?? db1, backupUser: USER, backupScript: over.script ?? SCRIPT, database: over.database ?? SRC_DB }, dests, onProgress: over.onProgress });

  /** As the run's cleanup: drop the new copy; then the destination is exactly as before. */
  /** The dump a stream left in the backups dir (the next tests' checks want theirs only). */
  const cleanupSource = async (path: string) => void (await db1.exec({ argv: ['rm', '-f', path] }));

  async function untouched(host = 'stage1'): Promise<void> {
    await cleanupDest(labSsh(host), { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR });
    expect(await checksums(host, DEST_DB)).to.deep.equal(original);
    expect(await databases(host, `${DEST_DB}_stagesync_%`)).to.deep.equal([]);
    expect(await eventually(() => tmpFiles(labSsh(host)), (f) => f.length === 0)).to.deep.equal([]);
  }

  before(async function () {
    await requireLab(this);
    ({ db1, stage1, stage2 } = await labHosts());
    // What other suites (or an interrupted run of this one) left in the steps' tmp dir.
    await Promise.all([stage1, stage2].map((h) => h.exec({ argv: ['rm', '-rf', TMP_DIR] })));
    const content = renderTemplate('postgresbackup.sh.j2', { stagesync_source_backups_dir: BACKUPS_DIR, inventory_hostname: 'db1' });
    await installScripts(db1, { database: SRC_DB, backupUser: USER, backupGroup: USER, backupScript: SCRIPT, createScripts: true, backupScriptContent: content, executeBackup: true, backupsDir: BACKUPS_DIR });
    const slow = `#!/bin/bash\nset -o pipefail\n${SCRIPT} "$@" | perl -e 'while (sysread(STDIN, $b, 65536)) { syswrite(STDOUT, $b); select(undef, undef, undef, 0.05) }'\n`;
    await db1.exec({ script: `cat > ${SLOW_SCRIPT} && chmod 755 ${SLOW_SCRIPT}` }, { stdin: slow });
    source = await checksums('db1', SRC_DB);
    original = await checksums('stage1', DEST_DB);
    // The table whose data comes last in the dump: excluded, pg_restore has read all it needs
    // before the stream ends, and the file must still be whole.
    const dump = await ensureDump(db1);
    const { move } = await import('../../../src/steps/move.js');
    await move({ dumpPath: dump, source: { host: db1, backupUser: USER }, dests: [{ host: stage1, backupUser: USER, tmpDir: TMP_DIR }] });
    const toc = await readFilteredToc(stage1, USER, `${TMP_DIR}/${dump.split('/').pop()}`, { excludeTables: [], fkConstraints: true });
    await cleanupDest(stage1, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump });
    const last = toc.tables.at(-1)!;
    lastTable = `${last.schema}.${last.name}`;
  });
  after(closeAll);

  it('restores on stage1 while the dump is written, and lands the same bytes on every host', async () => {
    const s = run([restoring(stage1, { excludeTables: [lastTable] }), { host: stage2, backupUser: USER, tmpDir: TMP_DIR }]);
    const r = await settle(s);
    expect(r.backup.status, String((r.backup as PromiseRejectedResult).reason)).to.equal('fulfilled');
    expect(r.move.status).to.equal('fulfilled');
    expect(r.restores.stage1!.status, String((r.restores.stage1 as PromiseRejectedResult).reason)).to.equal('fulfilled');
    const dump = await s.backup;
    const moved = await s.move;
    const restored = await s.restores.get('stage1')!;
    expect(dump.path).to.match(new RegExp(`^${BACKUPS_DIR}/${SRC_DB}\\.db1\\.\\d{4}(-\\d\\d){5}\\.dump$`));
    // sha256 on the source's file, the stream and each destination's file.
    const onSource = (await db1.exec({ argv: ['sha256sum', dump.path] }, { become: { user: USER } })).stdout.split(' ')[0];
    expect(dump.sha256).to.equal(onSource);
    expect(moved.sha256).to.equal(onSource);
    const base = dump.path.split('/').pop()!;
    for (const [h, name] of [[stage1, 'stage1'], [stage2, 'stage2']] as const) {
      const d = moved.dests.find((x) => x.host === name)!;
      expect(d.ok).to.equal(true);
      if (d.ok) expect(d.path).to.equal(`${TMP_DIR}/${base}`);
      expect((await h.exec({ argv: ['sha256sum', `${TMP_DIR}/${base}`] }, { become: { user: USER } })).stdout.split(' ')[0]).to.equal(onSource);
      expect(await tmpFiles(h), 'no .part, .fifo or .list left').to.deep.equal([base]);
    }
    // The new copy: every table of the source but the excluded one, identical.
    expect(restored.restoredInto).to.equal(`${DEST_DB}_stagesync_new`);
    expect(restored.excluded).to.deep.equal([lastTable]);
    const want = Object.fromEntries(Object.entries(source).filter(([k]) => k !== lastTable && !k.startsWith(`seq ${lastTable}`)));
    const got = await checksums('stage1', restored.restoredInto);
    for (const [k, v] of Object.entries(want)) if (!k.startsWith('seq ')) expect(got[k], k).to.equal(v);
    expect(got[lastTable]).to.equal(undefined);
    expect(await psql('stage1', `SELECT count(*) FROM pg_tables WHERE tableowner <> '${ROLE}' AND schemaname NOT IN ('pg_catalog', 'information_schema')`, restored.restoredInto)).to.equal('0');
    // The live database was never touched.
    expect(await checksums('stage1', DEST_DB)).to.deep.equal(original);
    await cleanupDest(stage1, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump.path });
    await cleanupDest(stage2, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump.path });
    await cleanupSource(dump.path);
    await untouched();
  });

  it('in_place: pg_restore --clean --if-exists into the live database as the dump arrives', async () => {
    await resetDest('stage2');
    const s = run([restoring(stage2, { mode: 'in_place' })]);
    const r = await settle(s);
    expect(r.restores.stage2!.status, String((r.restores.stage2 as PromiseRejectedResult).reason)).to.equal('fulfilled');
    expect((await s.restores.get('stage2')!).restoredInto).to.equal(DEST_DB);
    const got = await checksums('stage2', DEST_DB);
    for (const [k, v] of Object.entries(source)) expect(got[k], k).to.equal(v);
    // Objects of the live database that the dump does not have stay (as with the Stage Sync role).
    expect(got['public.stale']).to.not.equal(undefined);
    expect(await databases('stage2', `${DEST_DB}_stagesync_%`)).to.deep.equal([]);
    const dump = await s.backup;
    await cleanupDest(stage2, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump.path, keepNewDb: true });
    await cleanupSource(dump.path);
    expect(await tmpFiles(stage2)).to.deep.equal([]);
    await resetDest('stage2');
  });

  it('pg_restore killed mid-way: that restore fails; with no other destination the dump stops too', async () => {
    const fresh = `${DEST_DB}_stagesync_new`;
    const s = run([restoring(stage1)], { script: SLOW_SCRIPT });
    // End pg_restore's session while it runs a statement in the new database (an idle one may
    // be past its last, and succeed anyway).
    const killed = await eventually(
      () =>
        psql(
          'stage1',
          `WITH r AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = '${fresh}' AND application_name = 'stagesync-restore' AND state = 'active') ` +
            'SELECT count(*) FROM r WHERE pg_terminate_backend(pid)',
        ),
      (n) => n !== '0',
      30_000,
    );
    const r = await settle(s);
    expect(killed).to.not.equal('0');
    expect(reason(r.restores.stage1!).message).to.match(/pg_restore into steps_stage_stagesync_new failed/);
    expect(reason(r.backup)).to.be.instanceOf(UpstreamFailed);
    expect(reason(r.move).message).to.match(/pg_restore into steps_stage_stagesync_new failed/);
    expect((await db1.exec({ script: `ls -A ${BACKUPS_DIR} | grep -c partial || true` })).stdout.trim()).to.equal('0');
    // pg_dump itself is stopped, not left to finish a dump nobody reads.
    const dumping = () => db1.exec({ script: `pgrep -x pg_dump -a | grep -c ${SRC_DB} || true` }).then((x) => x.stdout.trim());
    expect(await eventually(dumping, (n) => n === '0')).to.equal('0');
    await untouched();
  });

  it('the connection to the destination cut mid-stream: it fails, nothing left there', async () => {
    const victim = labSsh('stage1');
    const s = run([restoring(victim)], { onProgress: (b) => b > 2 ** 20 && void victim.close() });
    const r = await settle(s);
    expect(reason(r.restores.stage1!)).not.to.be.instanceOf(UpstreamFailed);
    await untouched();
  });

  it('the connection to the source cut mid-stream: backup fails, the restore is skipped, nothing left', async () => {
    const src = labSsh('db1');
    const s = run([restoring(stage1)], { host: src, onProgress: (b) => b > 2 ** 20 && void src.close() });
    const r = await settle(s);
    expect(reason(r.backup)).not.to.be.instanceOf(UpstreamFailed);
    expect(reason(r.move)).to.be.instanceOf(UpstreamFailed);
    expect(reason(r.restores.stage1!)).to.be.instanceOf(UpstreamFailed);
    await untouched();
  });

  it('a byte corrupted on the way to one destination: it fails (sha256 or pg_restore), the other is fine', async () => {
    const s = run([restoring(corrupting(stage1, 1_500_000)), restoring(stage2)]);
    const r = await settle(s);
    expect(reason(r.restores.stage1!).message).to.match(/sha256 mismatch|pg_restore into/);
    expect(r.restores.stage2!.status).to.equal('fulfilled');
    const dump = await s.backup;
    await cleanupDest(stage2, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump.path });
    await cleanupSource(dump.path);
    await untouched();
  });

  it('verification names the tables missing, and counts the rows of those present', async () => {
    const t = { host: stage1, backupUser: USER };
    const ok = await verifyRestore(t, DEST_DB, [{ schema: 'public', name: 'stale' }]);
    expect(ok.rowCounts).to.deep.equal({ 'public.stale': 500 });
    let err: Error | undefined;
    await verifyRestore(t, DEST_DB, [{ schema: 'public', name: 'stale' }, { schema: 'public', name: "no such 'table" }]).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/tables missing after the restore: public\.no such 'table$/);
  });

  it('a --use-list appears only whole: a writer that starts pg_restore once it exists never reads half of it', async () => {
    // The direct pull's writer waits for the list while the TOC is read on the source (scripts/host/stream-writer.sh).
    const list = `${TMP_DIR}/steps-whole.list`;
    await stage1.exec({ argv: ['sh', '-c', 'mkdir -p "$(dirname "$1")" && rm -f "$1"', 'sh', list] }, { become: { user: USER } });
    const watcher = stage1.spawn({ argv: ['sh', '-c', 'echo watching; while [ ! -e "$1" ]; do :; done; wc -c < "$1"; stat -c %a "$1"', 'sh', list] }, { become: { user: USER } });
    let out = '';
    await new Promise<void>((resolve) => watcher.stdout.on('data', (c: Buffer) => (out += c.toString()).startsWith('watching\n') && resolve()));
    const content = '1; 2615 16384 SCHEMA - public postgres\n'.repeat(100_000);
    await writeFileAs(stage1, USER, list, content);
    expect((await watcher.done).code).to.equal(0);
    expect(out.split('\n').slice(1, 3)).to.deep.equal([String(Buffer.byteLength(content)), '600']);
    await stage1.exec({ argv: ['rm', '-f', list] }, { become: { user: USER } });
  });

  it('the script fails (no such database): its own error, nothing streamed anywhere', async () => {
    const s = run([restoring(stage1)], { database: 'steps_no_such_db' });
    const r = await settle(s);
    expect(reason(r.backup).message).to.match(/exited with 1[\s\S]*steps_no_such_db/);
    expect(reason(r.restores.stage1!)).to.be.instanceOf(UpstreamFailed);
    await untouched();
    expect((await db1.exec({ script: `ls -A ${BACKUPS_DIR} | grep -c partial || true` })).stdout.trim()).to.equal('0');
  });
});
