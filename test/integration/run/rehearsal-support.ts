// The rehearsal tests' pair: a small production database of its own on db1 (users, some with a
// joined_pair_id, some without an email) and a staging database on stage2 with stale content.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { psql } from '../../lab/index.js';
import type { CliRun } from '../../support/cli.js';
import { Ops, staleDest } from './support.js';

export const SRC = 'rh_prod';
export const DEST = 'rh_stage';
export const USERS = 900;
/** Every third user has a pair; every hundredth has no email. */
export const PAIRED = USERS / 3;

export async function rehearsalSource(): Promise<void> {
  await psql('db1', `DROP DATABASE IF EXISTS ${SRC} WITH (FORCE); CREATE DATABASE ${SRC};`);
  await psql(
    'db1',
    [
      'CREATE TABLE users (id int PRIMARY KEY, email text, joined_pair_id int);',
      `INSERT INTO users SELECT g, CASE WHEN g % 100 = 0 THEN NULL ELSE 'u' || g || '@example.com' END, CASE WHEN g % 3 = 0 THEN g / 3 END FROM generate_series(1, ${USERS}) g;`,
    ].join('\n'),
    SRC,
  );
}

export const resetStage = (): Promise<void> => staleDest('stage2', DEST);

/** The pair's vars file (vars/rh.yml) with these lines added; its -e argument. */
export function pairVars(ops: Ops, lines: string[]): string {
  ops.write('vars/rh.yml', ['stagesync_dest_hosts: stage2', `stagesync_sourcedb: ${SRC}`, `stagesync_destdb: ${DEST}`, ...lines, ''].join('\n'));
  return 'vars/rh.yml';
}

/** A migration command: SQL run by psql as postgres against PGDATABASE (the new copy). */
export const migration = (sql: string, flags = ''): string =>
  `  - command: |\n      psql -X -v ON_ERROR_STOP=1 ${flags} <<'SQL'\n${sql.split('\n').map((l) => `      ${l}`).join('\n')}\n      SQL\n    become_user: postgres`;

export interface RehearsalReport {
  exitCode: number;
  steps: { host: string; action: string; outcome: string; error?: string; data?: Record<string, unknown> }[];
  destinations: Record<string, {
    checks?: { name: string; value: unknown; other?: unknown; expected: string; passed: boolean }[];
    migrations?: { command: string; durationMs: number; output: string; locks: { statement: string; relation: string; mode: string; table: boolean; heldMs: number }[]; lockWaits: { statement: string; relation: string; mode: string; waitedMs: number; blockedBy: number[] }[] }[];
    rehearsal?: { swapped: boolean; kept?: string };
    swapped?: boolean;
  }>;
}

export const readReport = (ops: Ops): RehearsalReport => JSON.parse(readFileSync(join(ops.dir, 'r.json'), 'utf8')) as RehearsalReport;

export const rehearse = (ops: Ops, vars: string, more: string[] = []): Promise<CliRun> => ops.run(['rehearse', '-e', vars, '--report', join(ops.dir, 'r.json'), ...more]);
