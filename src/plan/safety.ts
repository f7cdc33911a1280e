// Safety guards that need no network (docs/safety.md): protected destinations, destination == source.
import { UserError } from '../errors.js';
import type { ResolvedVars } from '../schema/stagesync-vars.js';
import type { DbDestinationPlan, DbSourcePlan } from './types.js';

interface SafetyInput {
  source?: DbSourcePlan;
  destinations: DbDestinationPlan[];
  varsOf(host: string): ResolvedVars;
  hostsOfGroup(group: string): string[];
}

export function checkSafety({ source, destinations, varsOf, hostsOfGroup }: SafetyInput): void {
  const production = new Set(hostsOfGroup('production'));
  for (const d of destinations) {
    if (production.has(d.host)) {
      throw new UserError(`host ${d.host} is in the group "production" and is never a destination; remove it from stagesync-destdb`, { path: 'stagesync-destdb' });
    }
    if (varsOf(d.host).stagesync_protected === true) {
      throw new UserError(`host ${d.host} has stagesync_protected: true and is never a destination`, { path: 'stagesync_protected' });
    }
    if (source && sameEndpoint(source.host, d.host, varsOf) && source.database === d.database) {
      throw new UserError(`destination ${d.host}:${d.database} is the source database itself; refusing to replace it`, { path: 'stagesync_destdb' });
    }
  }
}

/** Two inventory names reaching the same machine (same ansible_host and port) count as one host. */
function sameEndpoint(a: string, b: string, varsOf: (h: string) => ResolvedVars): boolean {
  if (a === b) return true;
  const va = varsOf(a);
  const vb = varsOf(b);
  const addr = (h: string, v: ResolvedVars) => `${v.ansible_host ?? h}:${v.ansible_port ?? 22}`;
  return addr(a, va) === addr(b, vb);
}
