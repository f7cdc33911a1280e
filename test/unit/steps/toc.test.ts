import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { filterToc, parseTableRef, parseToc } from '../../../src/steps/toc.js';

// Real `pg_restore -l -v` output of a PostgreSQL 15 dump (citext, two schemas, a serial, an FK,
// a view and a materialized view over `users`, a table whose name has a space).
const text = readFileSync(new URL('./fixtures/toc-verbose.txt', import.meta.url), 'utf8');
const toc = parseToc(text);
const kept = (list: string) => list.split('\n').filter((l) => /^\d+;/.test(l));
const commented = (list: string) => list.split('\n').filter((l) => /^;\d+;/.test(l)).map((l) => l.slice(1));

describe('steps/toc: pg_restore -l parsing and filtering', () => {
  it('parses multi-word descriptions and dependency lines', () => {
    const byId = new Map(toc.entries.map((e) => [e.id, e]));
    expect(byId.get(3467)!.desc).to.equal('TABLE DATA');
    expect(byId.get(3319)!.desc).to.equal('FK CONSTRAINT');
    expect(byId.get(3479)!.desc).to.equal('SEQUENCE OWNED BY');
    expect(byId.get(3470)!.desc).to.equal('MATERIALIZED VIEW DATA');
    expect(byId.get(223)!.desc).to.equal('MATERIALIZED VIEW');
    expect(byId.get(3319)!.deps).to.have.members([3313, 217, 219]);
  });

  it('keeps everything and lists every table when nothing is excluded', () => {
    const f = filterToc(toc, { excludeTables: [], fkConstraints: true });
    expect(f.droppedEntries).to.equal(0);
    expect(kept(f.list)).to.have.length(toc.entries.length);
    expect(f.tables.map((t) => `${t.schema}.${t.name}`)).to.have.members(['app.users', 'public.users', 'public.odd name', 'public.pairs']);
  });

  it('leaves out a table with everything depending on it, in any schema when unqualified', () => {
    const f = filterToc(toc, { excludeTables: ['users'], fkConstraints: true });
    expect(f.excluded).to.have.members(['app.users', 'public.users']);
    const gone = commented(f.list).map((l) => l.replace(/^\d+; \d+ \d+ /, ''));
    for (const e of [
      'TABLE public users postgres',
      'TABLE DATA public users postgres',
      'COMMENT public TABLE users postgres',
      'SEQUENCE public users_id_seq postgres',
      'SEQUENCE SET public users_id_seq postgres',
      'SEQUENCE OWNED BY public users_id_seq postgres',
      'DEFAULT public users id postgres',
      'CONSTRAINT public users users_pkey postgres',
      'FK CONSTRAINT public pairs pairs_u_fkey postgres', // references users
      'VIEW public v postgres',
      'MATERIALIZED VIEW public mv postgres',
      'MATERIALIZED VIEW DATA public mv postgres',
      'TABLE app users postgres',
      'CONSTRAINT app users users_pkey postgres',
    ]) expect(gone, e).to.include(e);
    // pairs itself stays, with its data, index and own constraint
    const still = kept(f.list).join('\n');
    expect(still).to.include('TABLE public pairs postgres').and.include('TABLE DATA public pairs postgres').and.include('INDEX public pairs_u_idx');
    expect(f.tables.map((t) => `${t.schema}.${t.name}`)).to.have.members(['public.odd name', 'public.pairs']);
  });

  it('a schema-qualified name matches only that schema; names with spaces work', () => {
    const f = filterToc(toc, { excludeTables: ['app.users', 'odd name', 'nosuch'], fkConstraints: true });
    expect(f.excluded).to.have.members(['app.users', 'public.odd name']);
    expect(f.unmatched).to.deep.equal(['nosuch']);
    expect(kept(f.list).join('\n')).to.include('TABLE public users postgres');
  });

  it('without FK constraints drops every FK CONSTRAINT entry and nothing else', () => {
    const f = filterToc(toc, { excludeTables: [], fkConstraints: false });
    expect(commented(f.list)).to.have.length(1);
    expect(commented(f.list)[0]).to.include('FK CONSTRAINT public pairs pairs_u_fkey');
    expect(f.tables).to.have.length(4);
  });

  it('parses table refs', () => {
    expect(parseTableRef('users')).to.deep.equal({ name: 'users' });
    expect(parseTableRef('app.users')).to.deep.equal({ schema: 'app', name: 'users' });
  });
});
