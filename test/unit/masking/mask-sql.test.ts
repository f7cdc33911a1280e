// The masking transformers' SQL (src/steps/mask-sql.ts): pure text, quoted by src/steps/sql.ts.
import { expect } from 'chai';
import { copyInSql, copyOutSql, leakFilter, leakMatchSql, leakSampleSql, maskExpression, maskedSelect, type MaskedColumn, type MaskedTable, type Transformer } from '../../../src/steps/mask-sql.js';

const col = (transformer: Transformer, name = 'e"mail', type = 'text'): MaskedColumn => ({ name, type, transformer });
const table: MaskedTable = {
  schema: 'crm',
  name: 'Cust"omers',
  columns: ['id', 'e"mail', 'note'],
  masked: [col({ kind: 'email', domain: 'example.invalid' })],
  rowKey: ['id'],
};

describe('masking: transformer SQL', () => {
  it('quotes the column, the salt and every literal through sql.ts', () => {
    const sql = maskExpression(col({ kind: 'email', domain: "it's.test" }), "s'alt\\x", []);
    expect(sql).to.include(`("e""mail")::text`);
    expect(sql).to.include(`E's''alt\\\\x'`);
    expect(sql).to.include(`'@it''s.test'`);
  });

  it('derives every transformer from the keyed sha256 of the value (built-in functions only)', () => {
    for (const kind of ['email', 'first_name', 'last_name', 'full_name', 'username', 'phone'] as const) {
      const t = (kind === 'email' ? { kind, domain: 'example.invalid' } : { kind }) as Transformer;
      const sql = maskExpression(col(t), 'salt-1', []);
      expect(sql, kind).to.include(`sha256(convert_to('salt-1' || ("e""mail")::text, 'UTF8'))`);
      expect(sql, kind).not.to.match(/digest\(|hmac\(|gen_random|random\(\)/);
    }
  });

  it('hash keeps the asked number of hex digits; null and fixed are plain literals', () => {
    expect(maskExpression(col({ kind: 'hash', length: 12 }), 's', [])).to.match(/^substr\(encode\(sha256.*, 1, 12\)$/);
    expect(maskExpression(col({ kind: 'null' }), 's', [])).to.equal('NULL');
    expect(maskExpression(col({ kind: 'fixed', value: "O'Brien" }), 's', [])).to.equal(`'O''Brien'`);
    expect(maskExpression(col({ kind: 'fixed', value: 42 }), 's', [])).to.equal(`'42'`);
    expect(maskExpression(col({ kind: 'fixed', value: null }), 's', [])).to.equal('NULL');
  });

  it('noise is keyed by the row key and cast back to the column type', () => {
    const d = maskExpression(col({ kind: 'date_noise', interval: '30 days' }, 'born', 'date'), 's', ['id', 'Tenant']);
    expect(d).to.match(/^CAST\("born" \+ .* \* '30 days'::interval AS date\)$/);
    expect(d).to.include(`(ROW("id", "Tenant"))::text`);
    const n = maskExpression(col({ kind: 'number_noise', ratio: 0.1 }, 'amount', 'numeric(12,2)'), 's', []);
    expect(n).to.match(/^CAST\("amount" \* \(1 \+ '0\.1'::float8 \* .*\) AS numeric\(12,2\)\)$/);
    expect(n).to.include(`("amount")::text`);
  });

  it('sql expressions are the user\'s, parenthesised', () => {
    expect(maskExpression(col({ kind: 'sql', expression: "left(email, 1) || '***'" }), 's', [])).to.equal(`(left(email, 1) || '***')`);
  });

  it('an inherited sql expression reads the referencing column under the referenced name', () => {
    const c = { ...col({ kind: 'sql', expression: "'x' || email" }, 'customer_email'), inheritedFrom: 'public.customers.email', inheritedColumn: 'email' };
    expect(maskExpression(c, 's', [])).to.equal(`(SELECT ('x' || email) FROM (SELECT "customer_email" AS "email") AS referenced)`);
  });

  it('the masked SELECT keeps every column in order, unmasked ones as they are', () => {
    const sql = maskedSelect(table, 's');
    expect(sql).to.match(/^SELECT "id", 'u' \|\| .* AS "e""mail", "note" FROM ONLY "crm"\."Cust""omers"$/);
  });

  it('reads in the dump snapshot on the source and writes the same columns on the destination', () => {
    const out = copyOutSql(table, 's', '00000003-0000001B-1');
    expect(out.split('\n')[0]).to.equal('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;');
    expect(out).to.include(`SET TRANSACTION SNAPSHOT '00000003-0000001B-1';`);
    expect(out).to.match(/COPY \(SELECT .*\) TO STDOUT;\nCOMMIT;$/);
    expect(copyInSql(table)).to.equal(`COPY "crm"."Cust""omers" ("id", "e""mail", "note") FROM STDIN`);
  });

  it('the leak check leaves out values a transformer may make by itself, and skips noise', () => {
    expect(leakFilter({ kind: 'first_name' }, 'v')).to.match(/^v <> ALL \(ARRAY\['Avery'/);
    expect(leakFilter({ kind: 'phone' }, 'v')).to.equal(`v NOT LIKE '+1-555-%'`);
    expect(leakFilter({ kind: 'date_noise', interval: '1 day' }, 'v')).to.equal(undefined);
    expect(leakFilter({ kind: 'sql', expression: 'email' }, 'v')).to.equal('true');
    expect(leakSampleSql(table, col({ kind: 'number_noise', ratio: 1 }), 'k', 10)).to.equal(undefined);
    const s = leakSampleSql(table, table.masked[0]!, 'k3y', 1000)!;
    expect(s).to.include(`LIMIT 1000`).and.include(`convert_to('k3y' || v, 'UTF8')`).and.include(`<> ''`);
    const m = leakMatchSql(table, table.masked[0]!, 'k3y', ['ab', "c'd"]);
    expect(m).to.include(`= ANY (ARRAY['ab', 'c''d']::text[])`);
    expect(leakMatchSql(table, table.masked[0]!, 'k', [])).to.include('ARRAY[]::text[]');
  });
});
