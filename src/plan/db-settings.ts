// Database settings read from a host's variables into plan parts (src/plan/build.ts): the
// cluster, pg_dump's compression, how a destination pulls from the source.
import type { ResolvedVars } from '../schema/stagesync-vars.js';
import type { PgConn } from '../steps/sql.js';
import type { DirectTransferPlan } from './types.js';

/** gzip needs no method name (pg_dump 15 knows only levels): `gzip:6` → `6`, `none` → `0`. */
export function compressOption(v: number | string): string {
  const s = String(v);
  if (s === 'none') return '0';
  if (s === 'gzip') return '6';
  return s.startsWith('gzip:') ? s.slice('gzip:'.length) : s;
}

/** A cluster other than the default one, when the variables name it. */
export function pgOf(port: number | null, socketDir: string | null): { pg?: PgConn } {
  if (port === null && socketDir === null) return {};
  return { pg: { ...(port !== null ? { port } : {}), ...(socketDir !== null ? { socketDir } : {}) } };
}

export function directPlan(v: ResolvedVars): DirectTransferPlan {
  return {
    ...(v.stagesync_direct_source_address ? { address: v.stagesync_direct_source_address } : {}),
    ...(v.stagesync_direct_identity_file ? { identityFile: v.stagesync_direct_identity_file } : {}),
  };
}
