// Posts the run's message to stagesync_notify_webhook. A notification never changes how the
// run ended: any failure (refused, timeout, HTTP error) comes back as a warning to print.
import { redactDeep } from '../util/redact.js';
import { slackPayload, type RunSummary } from './payload.js';

export interface NotifyResult {
  ok: boolean;
  /** HTTP status, when the server answered. */
  status?: number;
  /** One line, without the webhook's path (Slack's URL is itself a credential). */
  error?: string;
}

export const NOTIFY_TIMEOUT_MS = 10_000;

/** `https://hooks.slack.com/…`: where it went, not the token in its path. */
export function webhookOrigin(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return 'the webhook';
  }
}

export async function notifyRun(url: string, summary: RunSummary, secrets: readonly string[], timeoutMs = NOTIFY_TIMEOUT_MS): Promise<NotifyResult> {
  const body = JSON.stringify(redactDeep(slackPayload(summary), secrets));
  const where = webhookOrigin(url);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });
    await res.arrayBuffer().catch(() => undefined); // nothing lost: the body is only drained so the connection can go
    if (res.ok) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `notification to ${where} failed: HTTP ${res.status} ${res.statusText}`.trimEnd() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    // ECONNREFUSED, ENOTFOUND... say it all; undici's own codes (UND_ERR_*) less than their message.
    const code = e.cause?.code;
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : code && /^E[A-Z]+$/.test(code) ? code : (e.cause?.message ?? e.message);
    return { ok: false, error: `notification to ${where} failed: ${why}` };
  }
}
