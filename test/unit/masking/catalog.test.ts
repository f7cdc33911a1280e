// Rules against the source's catalog (src/steps/mask-catalog.ts): existence, FK inheritance, warnings.
import { expect } from 'chai';
import { UserError } from '../../../src/errors.js';
import { resolveMasking, type Catalog, type CatalogRule } from '../../../src/steps/mask-catalog.js';

const c = (s: string, t: string, col: string, type = 'text', gen = false) => ({ s, t, c: col, type, gen });
const catalog: Catalog = {
  columns: [
    c('public', 'users', 'id', 'integer'),
    c('public', 'users', 'email'),
    c('public', 'users', 'email_lower', 'text', true),
    c('public', 'users', 'phone'),
    c('public', 'customers', 'email'),
    c('public', 'customers', 'region'),
    c('public', 'orders', 'id', 'integer'),
    c('public', 'orders', 'customer_email'),
    c('public', 'orders', 'customer_region'),
    c('public', 'refunds', 'order_email'),
    c('public', 'refunds', 'order_region'),
    c('billing', 'plans', 'name'),
  ],
  pks: [{ s: 'public', t: 'users', cols: ['id'] }, { s: 'public', t: 'customers', cols: ['email', 'region'] }],
  fks: [
    { s: 'public', t: 'orders', cols: ['customer_email', 'customer_region'], rs: 'public', rt: 'customers', rcols: ['email', 'region'] },
    { s: 'public', t: 'refunds', cols: ['order_email', 'order_region'], rs: 'public', rt: 'orders', rcols: ['customer_email', 'customer_region'] },
  ],
};
const rule = (schema: string, name: string, column: string): CatalogRule => ({ schema, name, column, transformer: { kind: 'email', domain: 'example.invalid' }, path: `stagesync_masking.${schema}.${name}.${column}` });

describe('masking: rules against the source catalog', () => {
  it('an unknown table or column is bad input naming the rule path and the file', () => {
    const t = () => resolveMasking(catalog, [rule('public', 'nosuch', 'email')], 'vars/pair.yml');
    expect(t).to.throw(UserError).with.property('location').that.deep.equals({ file: 'vars/pair.yml', path: 'stagesync_masking.public.nosuch' });
    try {
      resolveMasking(catalog, [rule('public', 'users', 'emial')], 'vars/pair.yml');
      expect.fail('no error');
    } catch (e) {
      expect((e as UserError).oneLine()).to.equal('vars/pair.yml: stagesync_masking.public.users.emial: no column emial in public.users of the source database');
    }
    expect(() => resolveMasking(catalog, [rule('public', 'users', 'email_lower')])).to.throw(UserError, /generated column/);
  });

  it('a column referencing a masked one (composite key, along a chain) gets the same rule', () => {
    const r = resolveMasking(catalog, [rule('public', 'customers', 'email')]);
    expect(r.inherited).to.deep.equal(['public.orders.customer_email ← public.customers.email', 'public.refunds.order_email ← public.orders.customer_email']);
    const refunds = r.tables.find((t) => t.name === 'refunds')!;
    expect(refunds.masked).to.deep.equal([{ name: 'order_email', type: 'text', transformer: { kind: 'email', domain: 'example.invalid' }, inheritedFrom: 'public.customers.email', inheritedColumn: 'email' }]);
    // The unmasked part of the composite key is not touched.
    expect(r.tables.flatMap((t) => t.masked.map((m) => m.name))).not.to.include('customer_region');
  });

  it('tables carry their COPY columns (no generated ones) and primary key', () => {
    const r = resolveMasking(catalog, [rule('public', 'users', 'email')]);
    expect(r.tables).to.have.length(1);
    expect(r.tables[0]).to.include({ schema: 'public', name: 'users' });
    expect(r.tables[0]!.columns).to.deep.equal(['id', 'email', 'phone']);
    expect(r.tables[0]!.rowKey).to.deep.equal(['id']);
  });

  it('names personal-looking columns without a rule; a column with a rule unlike its FK target is a conflict', () => {
    const r = resolveMasking(catalog, [rule('public', 'users', 'email'), { ...rule('public', 'customers', 'email') }, { ...rule('public', 'orders', 'customer_email'), transformer: { kind: 'hash', length: 8 } }]);
    expect(r.unmasked).to.deep.equal(['public.users.phone', 'billing.plans.name']);
    expect(r.conflicts).to.deep.equal(['public.orders.customer_email (its foreign key to public.customers.email)']);
  });
});
