// npm run gen:validator — rewrite schema/stagesync.validate.cjs after changing the schema.
import { writeFileSync } from 'node:fs';
import { schemaText } from '../src/schema/schema.js';
import { validatorModule } from '../src/schema/standalone.js';
import { validatorFile } from '../src/util/paths.js';

writeFileSync(validatorFile(), validatorModule(schemaText()));
console.log(`wrote ${validatorFile()}`);
