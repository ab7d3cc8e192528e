// `npm run build`: bundles the Node service and the migration command into dist/ with esbuild, so
// production runs plain `node dist/main.js` — no TypeScript loader (tsx) or esbuild process at runtime —
// and makes the embedded database's template (dist/pglite-template/, see src/adapters/db/pglite.ts). Plain JavaScript because it runs before anything is compiled.
//
//   node scripts/build.js             build both (npm run build)
//   node scripts/build.js --prepare   the same after `npm ci`/`npm install` (`prepare`); an install without
//                                     the dev dependencies (no esbuild) skips it with a note instead of failing
//   node scripts/build.js --if-stale  build what is missing or older than what it is made from
//                                     (`npm start` and `npm run db:migrate` run this first; with
//                                     DATABASE_URL set they need no template and make none)
//
// Dependencies stay external (`packages: 'external'`): node_modules is used as installed, and PGlite
// finds its WebAssembly files next to its own modules. Every file is written under a temporary name
// and renamed into place, so `npm start`s running side by side (the tests do) never load half a file;
// the template, which takes seconds, is made by one of them while the others wait (dist/template.lock).
// Chunks left by builds before the previous one are deleted (scripts/dist-chunks.js).
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pruneChunks } from './dist-chunks.js';

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
const TEMPLATE = join(DIST, 'pglite-template');
/** Written when the template is complete (it is copied from, never opened, so this is its age). */
const TEMPLATE_STAMP = join(TEMPLATE, 'PG_VERSION');
const TEMPLATE_LOCK = join(DIST, 'template.lock');

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
  if (!existsSync(TEMPLATE_STAMP)) return 'no template yet';
  const meta = JSON.parse(readFileSync(META, 'utf8'));
  const sources = Object.keys(meta.outputs['dist/embedded-template.js']?.inputs ?? {});
  const migrations = readdirSync(join(ROOT, 'migrations'), { recursive: true })
    .map((file) => join('migrations', String(file)))
    .filter((file) => statSync(join(ROOT, file)).isFile());
  return changedSince(statSync(TEMPLATE_STAMP).mtimeMs, [...sources, ...migrations, ...ALWAYS]);
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
    // What only some runs need (node-postgres, for a DATABASE_URL) goes in chunks of their own, loaded
    // when first imported; code the entries share goes in shared chunks. All of them sit in dist/ beside
    // the entries, so a module's `import.meta.url` still points into dist/ (the PGlite template).
    splitting: true,
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(DIST, { recursive: true });
  const previous = existsSync(META) ? Object.keys(JSON.parse(readFileSync(META, 'utf8')).outputs) : [];
  const suffix = `.tmp-${process.pid}`;
  for (const file of result.outputFiles) {
    writeFileSync(file.path + suffix, file.contents);
    renameSync(file.path + suffix, file.path);
  }
  // Last, so a build that stopped half-way is stale next time.
  writeFileSync(META + suffix, JSON.stringify(result.metafile));
  renameSync(META + suffix, META);
  pruneChunks(DIST, [...previous, ...Object.keys(result.metafile.outputs)]);
  return result.outputFiles.filter((file) => file.path.endsWith('.js')).map((file) => relative(ROOT, file.path));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Runs `fn` holding dist/template.lock; waits while a live process holds it, takes it over from a dead one. */
async function withTemplateLock(fn) {
  for (;;) {
    try {
      const fd = openSync(TEMPLATE_LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(TEMPLATE_LOCK, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) await new Promise((r) => setTimeout(r, 200));
      else rmSync(TEMPLATE_LOCK, { force: true });
    }
  }
  try {
    return fn();
  } finally {
    rmSync(TEMPLATE_LOCK, { force: true });
  }
}

function makeTemplate() {
  console.error('making the embedded database template (dist/pglite-template/: once per install or migration)…');
  execFileSync(process.execPath, [join(DIST, 'embedded-template.js'), TEMPLATE], { stdio: 'inherit' });
}

const ifStale = process.argv.includes('--if-stale');
if (process.argv.includes('--prepare') && !(await import('esbuild').then(() => true).catch(() => false))) {
  console.error('finishline: no esbuild (installed without dev dependencies): dist/ not built; ship a built dist/');
  process.exit(0);
}
if (!ifStale || bundlesStale()) {
  const outputs = await buildBundles();
  // `npm start` stays quiet unless it has something slow to say; `npm run build` says what it wrote.
  if (!ifStale) console.log(`built ${outputs.join(', ')}`);
}
if (!ifStale || (!process.env.DATABASE_URL && templateStale())) {
  try {
    // Whoever waited for another maker finds the template fresh and makes none.
    await withTemplateLock(() => {
      if (ifStale && !templateStale()) return;
      makeTemplate();
      if (!ifStale) console.log(`built ${relative(ROOT, TEMPLATE)}/`);
    });
  } catch (error) {
    // Not fatal: without a template a new DATA_DIR is initialised at start, only slower.
    console.error(
      `could not make the embedded database template (${error.message}); a first start will initialise the database itself`,
    );
  }
}
