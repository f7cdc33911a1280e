// The Slack-compatible message about a finished run (incoming-webhook JSON: `text` plus one
// legacy attachment with fields, which Slack, Mattermost and Rocket.Chat all render).
// Built from data only; the caller masks secrets (redactDeep) before it leaves the machine.
import { formatDuration } from '../run/output.js';
import type { HostCounters } from '../run/recap.js';

export type RunResult = 'ok' | 'failed' | 'unreachable' | 'interrupted';

export interface RunSummary {
  pair: string;
  command: string;
  exitCode: number;
  durationMs: number;
  /** PLAY RECAP counters per host. */
  recap: Record<string, HostCounters>;
  /** First failure of each host that failed or was unreachable. */
  failures: { host: string; step: string; unreachable: boolean; message: string }[];
  /** Refused before it started (a preflight of the controller): nothing ran. */
  refused?: boolean;
}

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackPayload {
  text: string;
  attachments: { color: string; fallback: string; fields: SlackField[]; footer: string; ts: number }[];
}

/** ansible-playbook's exit code → the word used in the message and the report. */
export function resultOf(exitCode: number): RunResult {
  if (exitCode === 0) return 'ok';
  if (exitCode === 99) return 'interrupted';
  if (exitCode === 4) return 'unreachable';
  return 'failed';
}

const COLOR: Record<RunResult, string> = { ok: 'good', failed: 'danger', unreachable: 'danger', interrupted: 'warning' };
const HEADLINE: Record<RunResult, string> = { ok: 'succeeded', failed: 'FAILED', unreachable: 'FAILED (host unreachable)', interrupted: 'was interrupted' };

const counters = (c: HostCounters) => `ok=${c.ok} changed=${c.changed} unreachable=${c.unreachable} failed=${c.failed} skipped=${c.skipped}`;

export function slackPayload(s: RunSummary, now = new Date()): SlackPayload {
  const result = resultOf(s.exitCode);
  const what = s.command === 'run' ? '' : ` ${s.command}`;
  const first = s.failures[0];
  const headline = s.refused ? 'was refused' : `${HEADLINE[result]} in ${formatDuration(s.durationMs)}`;
  const text = `stagesync ${s.pair}${what} ${headline}${first ? `: ${first.host} ${first.step}: ${firstLine(first.message)}` : ''}`;
  const fields: SlackField[] = [
    { title: 'pair', value: s.pair, short: true },
    { title: 'result', value: `${result} (exit ${s.exitCode})`, short: true },
    { title: 'duration', value: formatDuration(s.durationMs), short: true },
    ...Object.entries(s.recap).map(([host, c]) => ({ title: host, value: counters(c), short: false })),
  ];
  for (const f of s.failures) {
    fields.push({ title: 'failed step', value: `${f.host}: ${f.step}${f.unreachable ? ' (unreachable)' : ''}`, short: true });
    fields.push({ title: 'error', value: clip(f.message), short: false });
  }
  return {
    text,
    attachments: [{ color: COLOR[result], fallback: text, fields, footer: 'stagesync orchestrate', ts: Math.floor(now.getTime() / 1000) }],
  };
}

const firstLine = (m: string) => clip(m.split('\n')[0] ?? '', 300);
// Chat services cap field sizes; an error's first lines say what is needed.
const clip = (m: string, max = 1500) => (m.length > max ? `${m.slice(0, max - 1)}…` : m);
