// `npm run openapi:components`: writes src/app/openapi/components.generated.json, the OpenAPI
// document's component schemas converted from their Zod schemas (src/app/openapi/schemas.ts). Run it
// after changing a schema; src/app/openapi/components.test.ts fails until then.
import { writeFileSync } from 'node:fs';
import { componentsFile } from '../src/app/openapi/schemas.js';

const FILE = new URL('../src/app/openapi/components.generated.json', import.meta.url);
writeFileSync(FILE, componentsFile());
console.log('wrote src/app/openapi/components.generated.json');
