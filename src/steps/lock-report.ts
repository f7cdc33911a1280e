// The lock report of a migration (docs/rehearsal.md): samples of pg_locks and pg_stat_activity,
// taken by the lock monitor (lock-monitor.ts) while the command ran, turned into the locks each
// statement held (per relation and mode, with how long) and the lock waits. Pure: no host here.

/** One relation lock of another session of the database, as one sample saw it. */
export interface LockRow {
  pid: number;
  /** pg_locks.mode, e.g. `AccessExclusiveLock`. */
  mode: string;
  granted: boolean;
  /** `users`, `audit.events`; `oid 16401` for a relation this snapshot cannot see (created in an open transaction). */
  relation: string;
  /** pg_class.relkind (`r` table, `p` partitioned, `i` index...); null when the relation is not visible. */
  kind: string | null;
  /** The session's current (or last) statement and when it started / its transaction started (ms since the epoch). */
  query: string;
  queryStart: number | null;
  xactStart: number | null;
  /** For a lock not granted: the sessions it waits for. */
  blockedBy: number[];
}

/** One session of the database, as one sample saw it. */
export interface SessionRow {
  pid: number;
  state: string | null;
  /** When `state` last changed (ms since the epoch). */
  stateChange: number | null;
}

export interface LockSample {
  /** Server clock (ms since the epoch) when the sample was taken. */
  at: number;
  locks: LockRow[];
  sessions: SessionRow[];
}

export interface HeldLock {
  statement: string;
  pid: number;
  relation: string;
  /** `ACCESS EXCLUSIVE`, `ROW EXCLUSIVE`... */
  mode: string;
  /** A table (or a relation created by the migration itself, which nobody else can be waiting for: `table: false`). */
  table: boolean;
  heldMs: number;
}

export interface LockWait {
  statement: string;
  pid: number;
  relation: string;
  mode: string;
  waitedMs: number;
  blockedBy: number[];
}

export interface LockReport {
  held: HeldLock[];
  waits: LockWait[];
}

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE` (the spelling of LOCK TABLE and the docs). */
export function modeName(mode: string): string {
  return mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** A statement on one line, at most `max` characters. */
export function statementText(query: string, max = 160): string {
  const one = query.replace(/\s+/g, ' ').trim().replace(/;$/, '');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

interface Track {
  row: LockRow;
  firstIdx: number;
  lastIdx: number;
}

/**
 * Where a lock's span starts: it was absent at the sample before the first that saw it. When the
 * statement that took it started in between, it took it at its start (DDL locks first, works
 * after); else it came somewhere in the gap, taken as its middle.
 */
function spanStart(samples: LockSample[], t: Track, startedAt: number): number {
  const first = samples[t.firstIdx]!.at;
  const before = t.firstIdx > 0 ? samples[t.firstIdx - 1]!.at : startedAt;
  const qs = t.row.queryStart;
  if (qs !== null && qs > before && qs <= first) return qs;
  return t.firstIdx > 0 ? (before + first) / 2 : Math.max(before, Math.min(qs ?? first, first));
}

/**
 * Where it ends: absent from the sample after the last that saw it. When the session was idle by
 * then, the lock went when its statement (or transaction) ended: `state_change`; else the middle of the gap.
 */
function spanEnd(samples: LockSample[], t: Track, stoppedAt: number): number {
  const last = samples[t.lastIdx]!.at;
  const next = samples[t.lastIdx + 1];
  if (!next) return Math.max(last, stoppedAt);
  const s = next.sessions.find((x) => x.pid === t.row.pid);
  if (s && s.state !== null && s.state !== 'active' && s.stateChange !== null && s.stateChange >= last && s.stateChange <= next.at) return s.stateChange;
  return (last + next.at) / 2;
}

/** Held locks are one span per session, relation, mode and transaction; waits per statement. */
const heldKey = (r: LockRow) => `${r.pid}|${r.relation}|${r.mode}|${r.xactStart ?? ''}`;
const waitKey = (r: LockRow) => `${r.pid}|${r.relation}|${r.mode}|${r.queryStart ?? ''}`;

function track(samples: LockSample[], granted: boolean, key: (r: LockRow) => string): Track[] {
  const spans = new Map<string, Track>();
  samples.forEach((s, i) => {
    for (const row of s.locks.filter((r) => r.granted === granted)) {
      const k = key(row);
      const t = spans.get(k);
      // A gap (absent from a sample in between) starts a new span.
      if (t && t.lastIdx === i - 1) t.lastIdx = i;
      else spans.set(k + (t ? `#${i}` : ''), { row, firstIdx: i, lastIdx: i });
    }
  });
  return [...spans.values()];
}

const TABLE_KINDS = new Set(['r', 'p', 'm', 'f']);

/**
 * Samples in time order, from a monitor started at `startedAt` and stopped at `stoppedAt`
 * (server clock, ms) → the locks held, attributed to the statement first seen holding them, and
 * the waits. Spans are estimated to within about one sampling interval.
 */
export function lockReport(samples: LockSample[], startedAt: number, stoppedAt: number): LockReport {
  const held = track(samples, true, heldKey).map((t): HeldLock => ({
    statement: statementText(t.row.query),
    pid: t.row.pid,
    relation: t.row.relation,
    mode: modeName(t.row.mode),
    table: t.row.kind !== null && TABLE_KINDS.has(t.row.kind),
    heldMs: Math.max(0, Math.round(spanEnd(samples, t, stoppedAt) - spanStart(samples, t, startedAt))),
  }));
  const waits = track(samples, false, waitKey).map((t): LockWait => ({
    statement: statementText(t.row.query),
    pid: t.row.pid,
    relation: t.row.relation,
    mode: modeName(t.row.mode),
    waitedMs: Math.max(0, Math.round(spanEnd(samples, t, stoppedAt) - spanStart(samples, t, startedAt))),
    blockedBy: t.row.blockedBy,
  }));
  return { held: merge(held), waits };
}

/** One line per statement, relation and mode (a session that took a lock twice: the longer). */
function merge(held: HeldLock[]): HeldLock[] {
  const out = new Map<string, HeldLock>();
  for (const h of held) {
    const k = `${h.pid}|${h.statement}|${h.relation}|${h.mode}`;
    const seen = out.get(k);
    if (!seen || seen.heldMs < h.heldMs) out.set(k, h);
  }
  return [...out.values()].sort((a, b) => b.heldMs - a.heldMs);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const heldLine = (h: HeldLock): string => `${h.statement} held ${h.mode} on ${h.relation} for ${seconds(h.heldMs)}`;
export const waitLine = (w: LockWait): string =>
  `${w.statement} waited ${seconds(w.waitedMs)} for ${w.mode} on ${w.relation}${w.blockedBy.length ? ` (blocked by pid ${w.blockedBy.join(', ')})` : ''}`;

/** The locks that would block production: ACCESS EXCLUSIVE on an existing table, longest first. */
export function exclusiveOnTables(r: LockReport): HeldLock[] {
  return r.held.filter((h) => h.table && h.mode === 'ACCESS EXCLUSIVE');
}
