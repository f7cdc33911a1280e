// The environment a migration rehearsed on the new copy gets (src/steps/migrate.ts).
import { expect } from 'chai';
import { migrationEnv } from '../../../src/steps/migrate.js';

describe('migration environment', () => {
  it('names the new copy in PGDATABASE, STAGESYNC_DATABASE and the DATABASE_URL template', () => {
    expect(migrationEnv({ database: 'stage_stagesync_new', databaseUrl: 'postgresql:///{database}' })).to.deep.equal({
      PGDATABASE: 'stage_stagesync_new',
      STAGESYNC_DATABASE: 'stage_stagesync_new',
      DATABASE_URL: 'postgresql:///stage_stagesync_new',
    });
  });

  it('percent-encodes the name in the URL (every occurrence), never in PGDATABASE', () => {
    const env = migrationEnv({ database: 'my db/x_stagesync_new', databaseUrl: 'postgres://app@db:5432/{database}?application_name={database}' });
    expect(env.DATABASE_URL).to.equal('postgres://app@db:5432/my%20db%2Fx_stagesync_new?application_name=my%20db%2Fx_stagesync_new');
    expect(env.PGDATABASE).to.equal('my db/x_stagesync_new');
  });
});
