// Ansible's PLAY RECAP: one line per host, sorted, counters ok/changed/unreachable/failed/skipped.
import { banner } from '../plan/render.js';

export type Outcome = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostCounters {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export class Recap {
  private readonly hosts = new Map<string, HostCounters>();

  count(host: string, outcome: Outcome): void {
    const c = this.counters(host);
    // Ansible counts a changed task in both ok and changed.
    if (outcome === 'changed') {
      c.ok++;
      c.changed++;
    } else c[outcome]++;
  }

  counters(host: string): HostCounters {
    let c = this.hosts.get(host);
    if (!c) {
      c = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
      this.hosts.set(host, c);
    }
    return c;
  }

  toJSON(): Record<string, HostCounters> {
    return Object.fromEntries([...this.hosts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  anyUnreachable(): boolean {
    return [...this.hosts.values()].some((c) => c.unreachable > 0);
  }
  anyFailed(): boolean {
    return [...this.hosts.values()].some((c) => c.failed > 0);
  }

  /** The recap block, as ansible-playbook prints it (colours only on a terminal). */
  render(color = false): string {
    const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
    const lines = ['', banner('PLAY RECAP')];
    for (const [host, c] of Object.entries(this.toJSON())) {
      const padded = host.padEnd(26);
      const name = c.failed || c.unreachable ? paint(31, padded) : c.changed ? paint(33, padded) : paint(32, padded);
      const field = (label: keyof HostCounters, code: number) => {
        const text = `${label}=${String(c[label]).padEnd(4)}`;
        return c[label] ? paint(code, text) : text;
      };
      lines.push(
        `${name} : ${field('ok', 32)} ${field('changed', 33)} ${field('unreachable', 31)} ${field('failed', 31)} ${field('skipped', 36)} ${field('rescued', 35)} ${field('ignored', 35)}`.trimEnd(),
      );
    }
    return lines.join('\n') + '\n';
  }
}
