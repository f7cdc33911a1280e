// The executor's hook: after a run (success, failure or interrupt), before the recap is printed
// (the recap always ends the output), post the message when stagesync_notify_webhook is set.
import type { Plan } from '../plan/types.js';
import type { RunReport } from '../run/report.js';
import type { Tracker } from '../run/tracker.js';
import { notifyRun } from './send.js';

export interface AfterRun {
  plan: Plan;
  exitCode: number;
  startedAt: number;
  tracker: Tracker;
  report: RunReport;
  /** Prints a warning line (masked by the caller). */
  warn(line: string): void;
}

export async function notifyAfterRun({ plan, exitCode, startedAt, tracker, report, warn }: AfterRun): Promise<void> {
  if (!plan.notifyWebhook) return;
  const r = await notifyRun(
    plan.notifyWebhook,
    {
      pair: plan.name,
      command: plan.command,
      exitCode,
      durationMs: Date.now() - startedAt,
      recap: tracker.recap.toJSON(),
      failures: [...tracker.failures.values()].map((f) => ({ host: f.host, step: f.step, unreachable: f.unreachable, message: f.message })),
    },
    plan.secrets,
  );
  report.set('notification', r);
  if (!r.ok) warn(r.error ?? 'notification failed');
}

/**
 * A run refused before it started (git parity): a nightly job that silently did nothing would
 * go unnoticed, so the webhook hears about it like a failed run (exit 1, the refusing check).
 */
export async function notifyRefusal(plan: Plan, step: string, message: string, warn: (line: string) => void): Promise<void> {
  if (!plan.notifyWebhook) return;
  const r = await notifyRun(
    plan.notifyWebhook,
    { pair: plan.name, command: plan.command, exitCode: 1, durationMs: 0, recap: {}, failures: [{ host: 'localhost', step, unreachable: false, message }], refused: true },
    plan.secrets,
  );
  if (!r.ok) warn(r.error ?? 'notification failed');
}
