// npm run lab -- seed: production app on db1, stale staging databases on the other hosts, buckets.
// Idempotent: every run drops and recreates what it seeds (and the product's _stagesync_* leftovers).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabConfig, LabHost } from './config.js';
import { labConfig } from './config.js';
import { labStatus } from './lab.js';
import { withLabLock } from './lock.js';
import { psql } from './postgres.js';
import { s3Client } from './s3.js';
import { seedBuckets } from './seed-buckets.js';

const here = dirname(fileURLToPath(import.meta.url));
const sqlFile = (name: string): string => readFileSync(join(here, name), 'utf8');

/** Databases each destination host gets (the default `stage`; vars/stage1-to-dev.yml uses `dev`). */
export const DEST_DATABASES: Record<string, string[]> = { stage1: ['stage'], stage2: ['stage'], dev1: ['stage', 'dev'] };
export const SOURCE_DATABASE = 'production';

const createRole = (role: string): string =>
  `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} LOGIN; END IF; END $$;`;

const recreateDb = (db: string, owner: string): string =>
  [
    `DROP DATABASE IF EXISTS ${db}_stagesync_new WITH (FORCE);`,
    `DROP DATABASE IF EXISTS ${db}_stagesync_prev WITH (FORCE);`,
    `DROP DATABASE IF EXISTS ${db} WITH (FORCE);`,
    `CREATE DATABASE ${db} OWNER ${owner};`,
  ].join('\n');

async function seedSource(cfg: LabConfig, h: LabHost): Promise<string> {
  await psql(h.name, [createRole('app'), recreateDb(SOURCE_DATABASE, 'app')].join('\n'), 'postgres', cfg);
  await psql(h.name, sqlFile('seed-production.sql'), SOURCE_DATABASE, cfg);
  const n = await psql(h.name, 'SELECT count(*) FROM events', SOURCE_DATABASE, cfg);
  return `${h.name}: database ${SOURCE_DATABASE} (events: ${n} rows)`;
}

async function seedDest(cfg: LabConfig, h: LabHost): Promise<string> {
  const dbs = DEST_DATABASES[h.name] ?? ['stage'];
  await psql(h.name, [createRole('stage'), ...dbs.map((d) => recreateDb(d, 'stage'))].join('\n'), 'postgres', cfg);
  for (const db of dbs) await psql(h.name, sqlFile('seed-stage.sql'), db, cfg);
  return `${h.name}: role stage, stale database(s) ${dbs.join(', ')}`;
}

export async function labSeed(cfg: LabConfig = labConfig(), log: (line: string) => void = () => undefined): Promise<void> {
  const st = await labStatus(cfg);
  if (!st.up) throw new Error('lab: not up; run `npm run lab -- up` first');
  await withLabLock(cfg, 'seed', async () => {
    const jobs: Promise<string>[] = cfg.hosts.map((h) => (h.role === 'source' ? seedSource(cfg, h) : seedDest(cfg, h)));
    jobs.push(seedBuckets(s3Client('production', cfg)).then((n) => `s3: prod-media (${n} objects), empty stage1-media stage2-media dev1-media`));
    for (const line of await Promise.all(jobs)) log(`lab: seeded ${line}`);
  });
}
