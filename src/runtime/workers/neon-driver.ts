// Neon's HTTP driver as the Worker sees it. The default wrangler configurations replace this module by
// ./no-neon-driver.ts (`alias`): the driver is a quarter of the Worker's upload, and a Neon database is
// reached through Hyperdrive or, without it, over sockets like any Postgres. A build for Neon over HTTP
// removes the alias (docs/workers.md).
export { isNeonUrl, openNeonHttp } from '../../adapters/db/neon-http.js';
