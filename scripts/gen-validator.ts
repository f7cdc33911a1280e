// npm run gen:validator — after changing the schema (or defaults/main.yml), rewrite what is made
// from it: the precompiled validator (schema/stagesync.validate.cjs) and the variables' type
// (src/schema/stagesync-vars.ts).
import { writeFileSync } from 'node:fs';
import { schemaText } from '../src/schema/schema.js';
import { validatorModule } from '../src/schema/standalone.js';
import { validatorFile } from '../src/util/paths.js';
import { varsTypesFile, varsTypesModule } from './vars-types.js';

writeFileSync(validatorFile(), validatorModule(schemaText()));
console.log(`wrote ${validatorFile()}`);
writeFileSync(varsTypesFile(), await varsTypesModule());
console.log(`wrote ${varsTypesFile()}`);
