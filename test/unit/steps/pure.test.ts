import { expect } from 'chai';
import { fnmatchEscape, parseDumpList, pickNewestDump } from '../../../src/steps/dumps.js';
import { majorOf, checkCompat, type SourceFacts, type DestFacts } from '../../../src/steps/preflight.js';
import { maskParams, MASK } from '../../../src/steps/post-sql.js';
import { conninfo, derivedDbName, newDbName, quoteIdent, quoteLiteral } from '../../../src/steps/sql.js';
import { lockKey } from '../../../src/steps/lock.js';
import { pgRestoreArgv } from '../../../src/steps/pg-restore.js';

describe('steps: identifiers, literals and conninfo', () => {
  it('quotes identifiers exactly (case kept, quotes doubled)', () => {
    expect(quoteIdent('stage')).to.equal('"stage"');
    expect(quoteIdent('Stage')).to.equal('"Stage"');
    expect(quoteIdent('a"; DROP DATABASE x; --')).to.equal('"a""; DROP DATABASE x; --"');
  });
  it('quotes literals as quote_literal does', () => {
    expect(quoteLiteral("it's")).to.equal("'it''s'");
    expect(quoteLiteral('a\\b')).to.equal("E'a\\\\b'");
    expect(() => quoteLiteral('a\0b')).to.throw();
  });
  it('refuses derived names PostgreSQL would truncate', () => {
    expect(newDbName('stage')).to.equal('stage_stagesync_new');
    expect(() => newDbName('x'.repeat(50))).to.throw(/longer than 63 bytes/);
    expect(derivedDbName('é'.repeat(24), '_stagesync_new')).to.have.length(38); // 62 bytes
  });
  it('puts a database name into conninfo so `a=b` is a name, not an option', () => {
    expect(conninfo("a=b 'c'")).to.equal(`dbname='a=b \\'c\\'' application_name='stagesync'`);
    expect(conninfo('x', { socketDir: '/tmp/s', port: 5499 })).to.include("host='/tmp/s'").and.include('port=5499');
  });
});

describe('steps/dumps: picking the newest dump', () => {
  const list = parseDumpList(
    [
      '1700000300.5 10 /opt/backups/postgres/production.db1.2024-01-02-03-04-05.dump',
      '1700000100.0 20 /opt/backups/postgres/production.db1.2024-01-03-00-00-00.dump',
      '1700000900.0 30 /opt/backups/postgres/production_old.db1.2025-01-01-00-00-00.dump',
      '1700000900.0 40 /opt/backups/postgres/prod.db1.2025-01-01-00-00-00.dump',
    ].join('\n'),
  );
  it('takes the newest timestamp in the name, not the newest mtime', () => {
    expect(pickNewestDump(list, 'production')!.path).to.match(/2024-01-03/);
    expect(pickNewestDump(list, 'production')!.size).to.equal(20);
  });
  it('never takes another database whose name shares a prefix', () => {
    expect(pickNewestDump(list, 'prod')!.size).to.equal(40);
    expect(pickNewestDump(list, 'produc')).to.equal(undefined);
  });
  it('falls back to mtime when a name has no timestamp', () => {
    const l = parseDumpList('5 1 /b/db.custom.dump\n9 2 /b/db.a.2020-01-01-00-00-00.dump\n');
    expect(pickNewestDump(l, 'db')!.size).to.equal(2);
  });
  it('keeps paths with spaces and escapes find patterns', () => {
    expect(parseDumpList('1 2 /a b/db.x.dump')[0]!.path).to.equal('/a b/db.x.dump');
    expect(fnmatchEscape('a*b?[c]')).to.equal('a\\*b\\?\\[c\\]');
  });
});

describe('steps/preflight: versions and refusals', () => {
  it('reads major versions', () => {
    expect(majorOf('pg_restore (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).to.equal(15);
    expect(majorOf('psql (PostgreSQL) 9.6.24')).to.equal(9);
  });
  const source: SourceFacts = { host: 'db1', tools: { pg_dump: 16, pg_restore: 16, psql: 16 }, serverMajor: 16, dbSize: 100, free: { '/opt/b': 1000 }, sourceDir: '/opt/b' };
  const dest = (over: Partial<DestFacts>): DestFacts => ({ host: 'stage1', tools: { pg_dump: 16, pg_restore: 16, psql: 16 }, serverMajor: 16, free: { '/tmp/s': 1000, '/data': 1000 }, tmpDir: '/tmp/s', dataDir: '/data', swap: true, ...over });
  it('passes compatible hosts', () => {
    expect(checkCompat({ source, dests: [dest({})] })).to.deep.equal([]);
  });
  it('refuses a swap destination whose server or psql cannot run the swap (not in_place)', () => {
    const src13 = { ...source, tools: { pg_dump: 13, pg_restore: 13, psql: 13 }, serverMajor: 13 };
    const old = dest({ serverMajor: 13, tools: { pg_dump: 15, pg_restore: 15, psql: 9 } });
    expect(checkCompat({ source: src13, dests: [old] }).map((x) => `${x.level}: ${x.problem}`)).to.deep.equal([
      'error: PostgreSQL 13 here: the swap needs 14 or newer (stagesync_restore_mode: in_place works with older servers)',
      'error: psql 9 here: the swap needs psql 10 or newer',
    ]);
    expect(checkCompat({ source: src13, dests: [{ ...old, swap: false }] })).to.deep.equal([]);
    expect(checkCompat({ source: src13, dests: [dest({ serverMajor: 14 })] })).to.deep.equal([]);
  });
  it('refuses a destination whose pg_restore is older than the source pg_dump', () => {
    const p = checkCompat({ source, dests: [dest({ tools: { pg_dump: 15, pg_restore: 15, psql: 15 } })] });
    expect(p.filter((x) => x.level === 'error').map((x) => x.host)).to.deep.equal(['stage1']);
    expect(p[0]!.problem).to.match(/pg_restore 15 cannot read a dump made by pg_dump 16/);
  });
  it('refuses a missing source db and a full data directory; only warns about a tight dump dir', () => {
    expect(checkCompat({ source: { ...source, dbSize: undefined }, dests: [] })[0]!.level).to.equal('error');
    const p = checkCompat({ source, dests: [dest({ free: { '/tmp/s': 50, '/data': 50 } })] });
    expect(p.map((x) => x.level).sort()).to.deep.equal(['error', 'warning']);
    expect(checkCompat({ source, dests: [dest({ free: { '/tmp/s': 5, '/data': 1000 } })] })[0]!.level).to.equal('error');
    expect(checkCompat({ source, dests: [dest({ swap: false, free: { '/tmp/s': 1000, '/data': 1 } })] })).to.deep.equal([]);
  });
});

describe('steps: secrets and commands', () => {
  it('masks every parameter value in an error message, longest first', () => {
    const st = [{ sql: 'x', params: ['hunter2-secret', 'hunter2', 42, null, { k: 'v' }] }];
    expect(maskParams('bad "hunter2-secret" and hunter2 and {"k":"v"}', st)).to.equal(`bad "${MASK}" and ${MASK} and ${MASK}`);
  });
  it('pg_restore argv: owned by the role, stop at the first error, filtered list, no grants', () => {
    const argv = pgRestoreArgv({ database: 'stage_stagesync_new', role: 'stage', backupUser: 'postgres', dumpPath: '/tmp/d.dump', listPath: '/tmp/d.dump.list', jobs: 3 });
    expect(argv).to.include.members(['--no-owner', '--role=stage', '--exit-on-error', '--jobs=3', '--use-list=/tmp/d.dump.list', '--no-privileges']);
    expect(argv).not.to.include('--clean');
    expect(pgRestoreArgv({ database: 'x', role: 'r', backupUser: 'p', dumpPath: 'd', listPath: 'l', jobs: 1, clean: true })).to.include.members(['--clean', '--if-exists']);
  });
  it('lock keys are stable per database and differ between databases', () => {
    expect(lockKey('stage')).to.equal(lockKey('stage'));
    expect(lockKey('stage')).not.to.equal(lockKey('stage2'));
    expect(BigInt(lockKey('stage')) < 2n ** 63n).to.equal(true);
  });
});
