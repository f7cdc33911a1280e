// The precompiled validator (schema/stagesync.validate.cjs) is the one validateVars uses: it must
// be made from the schema as shipped, and a stale one must be ignored.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { schemaText } from '../../../src/schema/schema.js';
import { compileValidator, loadPrecompiled, validatorModule } from '../../../src/schema/standalone.js';
import { validatorFile } from '../../../src/util/paths.js';

describe('schema: the precompiled validator', () => {
  it('is up to date with schema/stagesync.schema.json (else: npm run gen:validator)', () => {
    expect(readFileSync(validatorFile(), 'utf8') === validatorModule(schemaText()), 'schema/stagesync.validate.cjs is stale: run npm run gen:validator').to.equal(true);
    expect(loadPrecompiled(schemaText())).to.be.a('function');
  });

  it('is ignored when made from another schema', () => {
    expect(loadPrecompiled(schemaText().replace('"stagesync_sourcedb"', '"stagesync_sourcedb_x"'))).to.equal(undefined);
    expect(loadPrecompiled(schemaText(), '/nonexistent/stagesync.validate.cjs')).to.equal(undefined);
  });

  it('gives the same verdicts and errors as compiling at run time', () => {
    const pre = loadPrecompiled(schemaText())!;
    const rt = compileValidator(schemaText());
    const verdicts: boolean[] = [];
    for (const vars of [
      { stagesync_sourcedb: 'production', stagesync_restore_jobs: 2 },
      { stagesync_restore_jobs: 'many', stagesync_copies: [{ source_bucket: 1, dest_bucket: 'b', sourcebucket: 'x' }] },
      { stagesync_restore_mode: 'sideways', stagesync_post_restore_sql: [{ sql: 1, params: 'x' }] },
    ]) {
      verdicts.push(rt(vars) as boolean);
      expect(pre(vars)).to.equal(verdicts.at(-1));
      expect(JSON.stringify(pre.errors)).to.equal(JSON.stringify(rt.errors));
    }
    expect(verdicts).to.deep.equal([true, false, false]);
  });
});
