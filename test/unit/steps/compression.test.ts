// stagesync_dump_compression: the value pg_dump gets, and the preflight's check of lz4/zstd.
import { expect } from 'chai';
import { compressOption } from '../../../src/plan/db-settings.js';
import { checkCompat, type CompatInput } from '../../../src/steps/preflight.js';

const facts = (pgDump: number): CompatInput['source'] => ({ host: 'db1', tools: { pg_dump: pgDump, pg_restore: pgDump, psql: pgDump }, serverMajor: 15, dbSize: 1, free: {}, sourceDir: '/opt/backups' });

describe('dump compression', () => {
  it('gives gzip as a level (pg_dump 15 knows no method names), other methods as written', () => {
    expect([1, 0, 9, '5', 'gzip:3', 'gzip', 'none', 'lz4', 'zstd:9'].map(compressOption)).to.deep.equal(['1', '0', '9', '5', '3', '6', '0', 'lz4', 'zstd:9']);
  });

  it('refuses lz4 and zstd in preflight when the source has pg_dump before 16', () => {
    const problems = checkCompat({ source: facts(15), dests: [], compression: 'zstd:3' });
    expect(problems).to.deep.equal([{ host: 'db1', level: 'error', problem: 'stagesync_dump_compression: zstd:3 needs pg_dump 16 or newer; pg_dump here is 15 (use a level 0-9)' }]);
    expect(checkCompat({ source: { ...facts(16), serverMajor: 16 }, dests: [], compression: 'lz4' })).to.deep.equal([]);
    expect(checkCompat({ source: facts(15), dests: [], compression: '1' })).to.deep.equal([]);
  });
});
