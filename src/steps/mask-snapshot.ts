// The snapshot of a masked sync (docs/masking.md): a transaction on the source, held open by a psql
// session for the whole run, exports its snapshot; pg_dump (--snapshot) and every masked COPY
// (SET TRANSACTION SNAPSHOT) read in it, so the masked rows and the dump are one moment of the
// database, as one pg_dump would be.
import type { Host } from '../transport/types.js';
import { StepError } from './errors.js';
import { Session } from './lock.js';
import { becomeOf, psqlArgv, type PgConn } from './sql.js';

export interface HeldSnapshot {
  /** What pg_export_snapshot() returned, e.g. `00000003-0000001B-1`. */
  readonly id: string;
  /** Throws when the session has ended: the snapshot can no longer be imported. */
  assertHeld(): void;
  release(): Promise<void>;
}

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/;

export async function holdSnapshot(host: Host, p: { database: string; backupUser: string; pg?: PgConn }): Promise<HeldSnapshot> {
  const proc = host.spawn({ argv: psqlArgv(p.database, p.pg, 'stagesync-snapshot') }, { become: becomeOf(p.backupUser) });
  const s = new Session(proc);
  const release = () => s.close();
  // psql -q prints nothing for BEGIN: one line comes back, the snapshot's id.
  const id = await s.ask('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();');
  if (!SNAPSHOT_ID.test(id)) {
    const r = await Promise.race([proc.done.catch((e: Error) => e), new Promise((res) => setTimeout(res, 2000, undefined))]);
    await release();
    const output = r instanceof Error ? r.message : (r as { stderr?: string } | undefined)?.stderr;
    throw new StepError(host.name, 'backup', `cannot export a snapshot of ${p.database}`, { output: output?.trim() ?? id });
  }
  return {
    id,
    assertHeld() {
      if (s.ended) throw new StepError(host.name, 'mask', `the session holding the snapshot of ${p.database} ended; the masked rows cannot be read in the dump's snapshot`, { retryable: true });
    },
    release,
  };
}
