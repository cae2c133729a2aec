import { writeFileSync } from 'node:fs';
import { configurationDocument, errorsDocument } from '../src/main/docs.js';

writeFileSync('docs/errors.md', errorsDocument());
writeFileSync('docs/configuration.md', configurationDocument());
console.log('wrote docs/errors.md and docs/configuration.md');
