// Plain timestamped lines (cron, CI, pipes): words, verbosity levels, throttled progress, mask.
import { expect } from 'chai';
import { plainOutput, PROGRESS_EVERY_MS } from '../../../src/run/output.js';
import { redact } from '../../../src/util/redact.js';

function capture(verbosity: number) {
  const lines: string[] = [];
  let t = Date.parse('2026-11-22T02:00:00Z');
  const out = plainOutput({
    verbosity,
    mask: (s) => redact(s, ['s3cr3t-value']),
    write: (s) => lines.push(...s.split('\n').filter(Boolean)),
    now: () => new Date(t),
  });
  return { out, lines, tick: (ms: number) => (t += ms) };
}

describe('plain output', () => {
  it('prints one timestamped Ansible-worded line per finished step, masked', () => {
    const { out, lines } = capture(0);
    out.stepStarted({ host: 'db1', action: 'backup' });
    out.stepFinished({ host: 'db1', action: 'backup', outcome: 'changed', durationMs: 4700, detail: 'dump.s3cr3t-value' });
    out.stepFinished({ host: 'stage2', action: 'preflight', outcome: 'unreachable', durationMs: 12, error: 'refused' });
    out.stepFinished({ host: 'stage2', action: 'restore', outcome: 'skipped', detail: 'the source failed' });
    expect(lines).to.deep.equal([
      '2026-11-22 02:00:00Z changed: [db1] backup => dump.******** (4.7s)',
      '2026-11-22 02:00:00Z fatal: [stage2] preflight: UNREACHABLE! refused (12ms)',
      '2026-11-22 02:00:00Z skipping: [stage2] restore => the source failed',
    ]);
  });

  it('shows started lines and progress from -v, -vvv lines only from -vvv', () => {
    const quiet = capture(0);
    quiet.out.stepStarted({ host: 'db1', action: 'move' });
    quiet.out.progress('db1', 'move', '1 MiB of 4 MiB');
    quiet.out.verbose(3, 'ssh', 'SSH EXEC true');
    expect(quiet.lines).to.deep.equal([]);

    const v = capture(1);
    v.out.stepStarted({ host: 'db1', action: 'move' });
    v.out.verbose(3, 'ssh', 'SSH EXEC true');
    expect(v.lines).to.deep.equal(['2026-11-22 02:00:00Z [db1] move: started']);

    const vvv = capture(3);
    vvv.out.verbose(3, 'ssh', "SSH EXEC psql -c 's3cr3t-value'");
    expect(vvv.lines).to.deep.equal(["2026-11-22 02:00:00Z <ssh> SSH EXEC psql -c '********'"]);
  });

  it('prints the step result data as JSON from -v (masked), not below', () => {
    const event = { host: 'db1', action: 'move', outcome: 'changed' as const, durationMs: 5, data: { bytes: 42, sha256: 'ab', note: 'x s3cr3t-value' } };
    const quiet = capture(0);
    quiet.out.stepFinished(event);
    expect(quiet.lines).to.have.length(1);
    const v = capture(1);
    v.out.stepFinished(event);
    expect(v.lines[1]).to.equal('2026-11-22 02:00:00Z <db1> move result: {"bytes":42,"sha256":"ab","note":"x ********"}');
  });

  it('prints at most one progress line per step and label every PROGRESS_EVERY_MS', () => {
    const { out, lines, tick } = capture(1);
    out.progress('localhost', 'bucket_copy', 'media: 1/9 objects');
    out.progress('localhost', 'bucket_copy', 'media: 2/9 objects');
    out.progress('localhost', 'bucket_copy', 'other: 1/3 objects');
    tick(PROGRESS_EVERY_MS);
    out.progress('localhost', 'bucket_copy', 'media: 5/9 objects');
    expect(lines.map((l) => l.slice(21))).to.deep.equal([
      '<localhost> bucket_copy: media: 1/9 objects',
      '<localhost> bucket_copy: other: 1/3 objects',
      '<localhost> bucket_copy: media: 5/9 objects',
    ]);
  });

  it('a progress text without a label (a move) is throttled as one series', () => {
    const { out, lines, tick } = capture(1);
    for (let mib = 1; mib <= 50; mib++) out.progress('db1', 'move', `${mib}.0 MiB (${mib}.0 MiB/s)`);
    tick(PROGRESS_EVERY_MS);
    out.progress('db1', 'move', '99.0 MiB (9.9 MiB/s)');
    expect(lines.map((l) => l.slice(21))).to.deep.equal(['<db1> move: 1.0 MiB (1.0 MiB/s)', '<db1> move: 99.0 MiB (9.9 MiB/s)']);
  });
});
