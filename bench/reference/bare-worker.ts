// The bare reference for `npm run bench:worker`: a Hono Worker with secureHeaders and two routes, bundled
// by the bench the way the project's Worker is (`wrangler deploy --dry-run` with wrangler.jsonc, this
// file as the entry, so with its aliases too: Hono routes with the TrieRouter alone) and run in workerd
// beside it.
//
//   GET /healthz       { status: 'ok' }, as the project answers
//   GET /openapi.json  the project's own document (the default race), built once at load, so both
//                      Workers send the same bytes and what differs is everything around the answer
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { openApiDocument } from '../../src/app/openapi/index.js';
import { DEFAULT_RACE } from '../../src/domain/race.js';

const doc = openApiDocument(DEFAULT_RACE);
const app = new Hono();
app.use(secureHeaders());
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/openapi.json', (c) => c.json(doc));

export default app;
