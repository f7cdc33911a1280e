// The lock report made from samples (src/steps/lock-report.ts): spans, their edges, waits, merging.
import { expect } from 'chai';
import { exclusiveOnTables, heldLine, lockReport, modeName, statementText, waitLine, type LockRow, type LockSample } from '../../../src/steps/lock-report.js';

const T0 = 1_700_000_000_000;
const row = (o: Partial<LockRow>): LockRow => ({ pid: 10, mode: 'AccessExclusiveLock', granted: true, relation: 'users', kind: 'r', query: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', queryStart: T0 + 50, xactStart: T0 + 50, blockedBy: [], ...o });
/** Samples every 100 ms from T0; `locksAt(i)` the locks of sample i. */
const samples = (n: number, locksAt: (i: number) => LockRow[], sessionsAt: (i: number) => LockSample['sessions'] = () => []): LockSample[] =>
  Array.from({ length: n }, (_, i) => ({ at: T0 + i * 100, locks: locksAt(i), sessions: sessionsAt(i) }));

describe('lock report', () => {
  it('names modes and statements as people read them', () => {
    expect(modeName('AccessExclusiveLock')).to.equal('ACCESS EXCLUSIVE');
    expect(modeName('ShareRowExclusiveLock')).to.equal('SHARE ROW EXCLUSIVE');
    expect(modeName('RowShareLock')).to.equal('ROW SHARE');
    expect(statementText('ALTER TABLE users\n   ALTER COLUMN x  SET NOT NULL;\n')).to.equal('ALTER TABLE users ALTER COLUMN x SET NOT NULL');
    expect(statementText('x'.repeat(300), 20)).to.have.length(20);
  });

  it('a lock taken by a statement that started between two samples starts at the statement; ends mid-gap', () => {
    // Present in samples 1..124 (100 ms .. 12.4 s), absent at 0 and 125.
    const s = samples(126, (i) => (i >= 1 && i <= 124 ? [row({})] : []));
    const r = lockReport(s, T0, T0 + 12_500);
    // From the statement's start (T0+50) to the middle of 12.4 s and 12.5 s.
    expect(r.held).to.have.length(1);
    expect(r.held[0]!.heldMs).to.equal(12_450 - 50);
    expect(heldLine(r.held[0]!)).to.equal('ALTER TABLE users ALTER COLUMN email SET NOT NULL held ACCESS EXCLUSIVE on users for 12.4 s');
    expect(exclusiveOnTables(r)).to.have.length(1);
  });

  it('ends at the session\'s state change when it went idle in the gap', () => {
    const s = samples(5, (i) => (i >= 1 && i <= 2 ? [row({})] : []), (i) => (i === 3 ? [{ pid: 10, state: 'idle', stateChange: T0 + 230 }] : []));
    expect(lockReport(s, T0, T0 + 400).held[0]!.heldMs).to.equal(230 - 50);
  });

  it('a statement started before the previous sample: the span starts mid-gap', () => {
    const s = samples(5, (i) => (i >= 2 && i <= 3 ? [row({ queryStart: T0 - 1000 })] : []));
    // (100+200)/2 = 150 → (300+400)/2 = 350.
    expect(lockReport(s, T0, T0 + 400).held[0]!.heldMs).to.equal(200);
  });

  it('a lock held across statements of one transaction is one span, named by the statement that took it', () => {
    const s = samples(6, (i) => (i >= 1 && i <= 4 ? [row({ query: i < 3 ? 'LOCK TABLE users' : 'UPDATE users SET x = 1', queryStart: i < 3 ? T0 + 50 : T0 + 250 })] : []));
    const r = lockReport(s, T0, T0 + 500);
    expect(r.held.map((h) => [h.statement, h.heldMs])).to.deep.equal([['LOCK TABLE users', 450 - 50]]);
  });

  it('a lock released and taken again (a gap) is two spans; the same statement keeps the longer', () => {
    const s = samples(8, (i) => ([1, 2, 5].includes(i) ? [row({ queryStart: T0 - 500 })] : []));
    const r = lockReport(s, T0, T0 + 700);
    expect(r.held).to.have.length(1);
    expect(r.held[0]!.heldMs).to.equal(200);
  });

  it('waits: ungranted locks, with the sessions they wait for', () => {
    const waiting = row({ pid: 11, granted: false, blockedBy: [10], query: 'ALTER TABLE users ADD COLUMN note text', queryStart: T0 + 20, xactStart: T0 + 20 });
    const s = samples(22, (i) => (i >= 1 && i <= 17 ? [waiting] : i >= 18 && i <= 19 ? [{ ...waiting, granted: true, blockedBy: [] }] : []));
    const r = lockReport(s, T0, T0 + 2100);
    expect(r.waits).to.have.length(1);
    expect(r.waits[0]!.waitedMs).to.equal(1750 - 20);
    expect(waitLine(r.waits[0]!)).to.equal('ALTER TABLE users ADD COLUMN note text waited 1.7 s for ACCESS EXCLUSIVE on users (blocked by pid 10)');
    expect(r.held.map((h) => h.relation)).to.deep.equal(['users']);
  });

  it('relations the monitor cannot see (made in the migration\'s open transaction) are no tables for the limit', () => {
    const s = samples(4, (i) => (i >= 1 && i <= 2 ? [row({ relation: 'oid 16401', kind: null })] : []));
    const r = lockReport(s, T0, T0 + 300);
    expect(r.held[0]!.table).to.equal(false);
    expect(exclusiveOnTables(r)).to.deep.equal([]);
  });

  it('indexes are no tables; a lock still held when sampling stopped ends then', () => {
    const s = samples(3, () => [row({ relation: 'users_pkey', kind: 'i', queryStart: T0 - 100 })]);
    const r = lockReport(s, T0, T0 + 250);
    expect(r.held[0]!.table).to.equal(false);
    expect(r.held[0]!.heldMs).to.equal(250);
  });
});
