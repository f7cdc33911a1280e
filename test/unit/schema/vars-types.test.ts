// src/schema/stagesync-vars.ts is generated from the schema and defaults/main.yml (npm run
// gen:validator): it must be what the generator makes of them now.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { varsTypesFile, varsTypesModule } from '../../../scripts/vars-types.js';
import { asResolved } from '../../../src/schema/resolved.js';
import { schemaText } from '../../../src/schema/schema.js';
import { DEFAULTED_VARS } from '../../../src/schema/stagesync-vars.js';
import { validateVars } from '../../../src/schema/validate.js';
import { defaults, sourced } from './helpers.js';

describe('schema: the StagesyncVars type', function () {
  this.timeout(20_000);

  it('is up to date with schema/stagesync.schema.json and defaults/main.yml (else: npm run gen:validator)', async () => {
    const fresh = await varsTypesModule();
    expect(readFileSync(varsTypesFile(), 'utf8') === fresh, 'src/schema/stagesync-vars.ts is stale: run npm run gen:validator').to.equal(true);
  });

  it('would be regenerated after a change of the schema or of the defaults', async () => {
    const schema = schemaText();
    const now = readFileSync(varsTypesFile(), 'utf8');
    expect(await varsTypesModule(schema.replace('"stagesync_sourcedb"', '"stagesync_sourcedb_x"'))).to.not.equal(now);
    expect(await varsTypesModule(undefined, 'stagesync_sourcedb: production\n')).to.not.equal(now);
  });

  it('lists as defaulted exactly what defaults/main.yml sets', () => {
    expect([...DEFAULTED_VARS]).to.deep.equal(Object.keys(defaults()).sort());
  });

  it('is what the validator returns: coerced values, and every defaulted one over the defaults', () => {
    const v = asResolved(validateVars(sourced({ stagesync_restore_jobs: '4', stagesync_execute_backup: 'no' })));
    expect(v.stagesync_restore_jobs).to.equal(4);
    expect(v.stagesync_execute_backup).to.equal(false);
    expect(v.stagesync_sourcedb).to.equal('production');
  });

  it('refuses variables that were not merged over the defaults', () => {
    expect(() => asResolved({ stagesync_sourcedb: 'production' })).to.throw(/defaults\/main.yml was not merged/);
  });
});
