// `npm run build`: bundles the Node service and the migration command into dist/ with esbuild, so
// production runs plain `node dist/main.js` — no TypeScript loader (tsx) or esbuild process at runtime —
// and makes the embedded database's template (dist/pglite-template.tar.gz, see
// src/adapters/db/pglite.ts). Plain JavaScript because it runs before anything is compiled.
//
//   node scripts/build.js             build both (npm run build; npm ci runs it as `prepare`)
//   node scripts/build.js --if-stale  build what is missing or older than what it is made from
//                                     (`npm start` and `npm run db:migrate` run this first; with
//                                     DATABASE_URL set they need no template and make none)
//
// Dependencies stay external (`packages: 'external'`): node_modules is used as installed, and PGlite
// finds its WebAssembly files next to its own modules. Every file is written under a temporary name
// and renamed into place, so `npm start`s running side by side (the tests do) never load half a file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** Entry → output name in dist/. */
const ENTRIES = {
  main: 'src/runtime/node/main.ts',
  migrate: 'scripts/migrate.ts',
  'embedded-template': 'scripts/embedded-template.ts',
};
/** What every output depends on besides its bundled sources (which esbuild lists in meta.json). */
const ALWAYS = ['scripts/build.js', 'package.json', 'package-lock.json', 'tsconfig.json'];
const META = join(DIST, 'meta.json');
const TEMPLATE = join(DIST, 'pglite-template.tar.gz');

/** The first of `inputs` (paths from the root) changed since `builtAt`, or gone, if any. */
function changedSince(builtAt, inputs) {
  for (const input of inputs) {
    const path = join(ROOT, input);
    // A missing input was deleted or renamed: the file importing it changed too, but say so plainly.
    if (!existsSync(path)) return `${input} is gone`;
    if (statSync(path).mtimeMs > builtAt) return `${input} changed`;
  }
  return undefined;
}

/** Why the bundles must be built again, or undefined when they are up to date. */
function bundlesStale() {
  if (!existsSync(META)) return 'dist/ has not been built';
  const meta = JSON.parse(readFileSync(META, 'utf8'));
  const missing = Object.keys(meta.outputs).find((output) => !existsSync(join(ROOT, output)));
  if (missing) return `${missing} is missing`;
  return changedSince(statSync(META).mtimeMs, [...Object.keys(meta.inputs), ...ALWAYS]);
}

/** Why the template must be made again: its own sources, the migrations or the packages changed. */
function templateStale() {
  if (!existsSync(TEMPLATE)) return 'no template yet';
  const meta = JSON.parse(readFileSync(META, 'utf8'));
  const sources = Object.keys(meta.outputs['dist/embedded-template.js']?.inputs ?? {});
  const migrations = readdirSync(join(ROOT, 'migrations'), { recursive: true })
    .map((file) => join('migrations', String(file)))
    .filter((file) => statSync(join(ROOT, file)).isFile());
  return changedSince(statSync(TEMPLATE).mtimeMs, [...sources, ...migrations, ...ALWAYS]);
}

async function buildBundles() {
  let esbuild;
  try {
    // Loaded only when building: `npm start` on an up-to-date dist/ never starts esbuild.
    esbuild = await import('esbuild');
  } catch {
    throw new Error(
      'esbuild is not installed (a production install?): run `npm run build` where the dev dependencies are, and ship dist/',
    );
  }
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(DIST, { recursive: true });
  const suffix = `.tmp-${process.pid}`;
  for (const file of result.outputFiles) {
    writeFileSync(file.path + suffix, file.contents);
    renameSync(file.path + suffix, file.path);
  }
  // Last, so a build that stopped half-way is stale next time.
  writeFileSync(META + suffix, JSON.stringify(result.metafile));
  renameSync(META + suffix, META);
  return result.outputFiles.filter((file) => file.path.endsWith('.js')).map((file) => relative(ROOT, file.path));
}

function makeTemplate() {
  console.error(
    'making the embedded database template (dist/pglite-template.tar.gz: once per install or migration, ~10 s)…',
  );
  execFileSync(process.execPath, [join(DIST, 'embedded-template.js'), TEMPLATE], { stdio: 'inherit' });
}

const ifStale = process.argv.includes('--if-stale');
if (!ifStale || bundlesStale()) {
  const outputs = await buildBundles();
  // `npm start` stays quiet unless it has something slow to say; `npm run build` says what it wrote.
  if (!ifStale) console.log(`built ${outputs.join(', ')}`);
}
if (!ifStale || (!process.env.DATABASE_URL && templateStale())) {
  try {
    makeTemplate();
    if (!ifStale) console.log(`built ${relative(ROOT, TEMPLATE)}`);
  } catch (error) {
    // Not fatal: without a template a new DATA_DIR is initialised at start, only slower.
    console.error(
      `could not make the embedded database template (${error.message}); a first start will initialise the database itself`,
    );
  }
}
