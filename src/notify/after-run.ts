// Posts the webhook message after a run (success, failure or interrupt), before the recap is printed
// (the recap always ends the output), when stagesync_notify_webhook is set. The CLI hands it to the
// executor as RunOptions.afterRun: the executor knows nothing of webhooks.
import type { Plan } from '../plan/types.js';
import type { RunEnded } from '../run/run.js';
import { notifyRun } from './send.js';

export async function notifyAfterRun({ plan, exitCode, startedAt, tracker, report, warn }: RunEnded): Promise<void> {
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
