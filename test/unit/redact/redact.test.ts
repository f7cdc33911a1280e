import { expect } from 'chai';
import { collectSecrets, redact, redactDeep, MASK } from '../../../src/util/redact.js';
import { quote } from '../../../src/util/shell.js';

describe('collectSecrets', () => {
  it('finds *password*, *secret*, *token* keys at any depth, any case, and ansible *_pass', () => {
    const vars = {
      db_password: 'hunter2!',
      nested: { list: [{ API_TOKEN: 'tok-123' }], AppSecret: 'sssh-abc' },
      aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG',
      ansible_become_pass: 'becomepw',
      passport_number: 'not-a-secret', // "pass" only counts as a suffix
      stagesync_destdb: 'stage',
    };
    expect(collectSecrets(vars)).to.have.members(['hunter2!', 'tok-123', 'sssh-abc', 'wJalrXUtnFEMI/K7MDENG', 'becomepw']);
  });

  it('takes every leaf under a secret key and every post-restore SQL param', () => {
    const vars = {
      secrets: { a: 'alpha-1', b: ['beta-2', 12345] },
      stagesync_post_restore_sql: [{ sql: 'UPDATE t SET a = $1, b = $2', params: ['client-id-xyz', 98765] }, { sql: 'SELECT 1' }],
    };
    expect(collectSecrets(vars)).to.have.members(['alpha-1', 'beta-2', '12345', 'client-id-xyz', '98765']);
  });

  it('leaves out values of one or two characters and booleans, longest first, unique', () => {
    const vars = { token: 'ab', password: 'x', a_secret: true, p1_password: 'longer-one', p2_password: 'short', p3_password: 'short' };
    expect(collectSecrets(vars)).to.deep.equal(['longer-one', 'short']);
  });
});

describe('redact', () => {
  it('masks every occurrence', () => {
    expect(redact('pw=hunter2 again hunter2', ['hunter2'])).to.equal(`pw=${MASK} again ${MASK}`);
  });

  it('masks the longer of two overlapping secrets whole', () => {
    expect(redact('x abcdef y abc', ['abc', 'abcdef'])).to.equal(`x ${MASK} y ${MASK}`);
  });

  it('masks the shell-quoted, JSON-escaped and URL-encoded forms', () => {
    const s = `it's "a" secret/+`;
    expect(redact(`psql -c ${quote(s)}`, [s])).to.equal(`psql -c ${MASK}`);
    expect(redact(JSON.stringify({ p: s }), [s])).to.equal(`{"p":"${MASK}"}`);
    expect(redact(`https://x/?t=${encodeURIComponent(s)}`, [s])).to.equal(`https://x/?t=${MASK}`);
  });

  it('ignores empty and very short secrets so output stays readable', () => {
    expect(redact('a 1 on', ['', '1', 'on'])).to.equal('a 1 on');
  });
});

describe('redactDeep', () => {
  it('masks strings everywhere and whole values under secret keys, without mutating', () => {
    const report = { steps: [{ cmd: 'run hunter2', rows: 3 }], env: { PGPASSWORD: 'whatever-else', n: { token: 42 } }, ok: true };
    const out = redactDeep(report, ['hunter2']);
    expect(out).to.deep.equal({ steps: [{ cmd: `run ${MASK}`, rows: 3 }], env: { PGPASSWORD: MASK, n: { token: MASK } }, ok: true });
    expect(report.steps[0]!.cmd).to.equal('run hunter2');
  });
});
