// The import rules of docs/design.md ("Import rules"), checked by `npm run lint` (dependency-cruiser).
// Each folder of src/ may import itself and the folders listed here, nothing else of ours; the table in
// the design document is this list in prose, so change both together. Type-only imports count too.
// Tests (`*.test.ts`) may reach across folders; code they test may not.

const TEST = '\\.test\\.tsx?$';

/** docs/design.md, Import rules: folder → what of ours it may import besides itself. */
const FOLDERS = [
  { folder: 'domain', path: '^src/domain/', may: [] },
  { folder: 'ports', path: '^src/ports/', may: ['^src/domain/'] },
  { folder: 'tracing', path: '^src/tracing/', may: ['^src/ports/'] },
  { folder: 'tasks', path: '^src/tasks/', may: ['^src/ports/', '^src/tracing/'] },
  { folder: 'version.ts', path: '^src/version\\.ts$', may: [] },
  {
    folder: 'config.ts, race-config.ts, token-strength.ts',
    path: '^src/(config|race-config|token-strength)\\.ts$',
    may: ['^src/domain/'],
  },
  ...['db', 'mail', 'cloudflare'].map((name) => ({
    folder: `adapters/${name}`,
    path: `^src/adapters/${name}/`,
    // The task SQL and the kinds' names, never the engine (adapters throw the ports' errors).
    may: ['^src/ports/', '^src/domain/', '^src/tasks/(sql|kinds)/', '^src/version\\.ts$'],
  })),
  { folder: 'app', path: '^src/app/', may: ['^src/ports/', '^src/domain/', '^src/tasks/', '^src/tracing/'] },
  {
    folder: 'services.ts',
    path: '^src/services\\.ts$',
    may: ['^src/(domain|ports|tracing|tasks|adapters|app)/', '^src/(config|race-config|version)\\.ts$'],
  },
  { folder: 'runtime/shared', path: '^src/runtime/shared/', may: [] },
  ...['node', 'workers'].map((name) => ({
    folder: `runtime/${name}`,
    path: `^src/runtime/${name}/`,
    may: [
      '^src/(domain|ports|tracing|tasks|adapters|app)/',
      '^src/(services|config|race-config|version)\\.ts$',
      '^src/runtime/shared/',
    ],
  })),
];

/**
 * docs/design.md, Import rules inside app: routes are on top (nothing of app imports a route module
 * or create-app.ts), pages are views, middleware is only middleware.
 */
const APP_RULES = [
  {
    name: 'app: routes are on top',
    comment: 'Nothing of src/app imports routes/ or create-app.ts (they import the rest)',
    from: { path: '^src/app/', pathNot: ['^src/app/routes/', '^src/app/create-app\\.ts$', TEST] },
    to: { path: ['^src/app/routes/', '^src/app/create-app\\.ts$'] },
  },
  {
    name: 'app: pages are views',
    comment: 'src/app/pages imports of app only pages/, errors.ts and openapi/ (for their types)',
    from: { path: '^src/app/pages/', pathNot: TEST },
    to: { path: '^src/app/', pathNot: ['^src/app/pages/', '^src/app/errors\\.ts$', '^src/app/openapi/'] },
  },
  {
    name: 'app: middleware is only middleware',
    comment: 'src/app/middleware imports of app only middleware/, admin-session/ and errors.ts',
    from: { path: '^src/app/middleware/', pathNot: TEST },
    to: { path: '^src/app/', pathNot: ['^src/app/middleware/', '^src/app/admin-session/', '^src/app/errors\\.ts$'] },
  },
];

/** A path pattern as the table writes it: `^src/tasks/(sql|kinds)/` → `tasks/(sql|kinds)`. */
const readable = (path) =>
  path
    .replace(/^\^src\//, '')
    .replaceAll('\\.', '.')
    .replace(/[/$]+$/, '');

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...FOLDERS.map(({ folder, path, may }) => ({
      name: `import-rules: ${folder}`,
      severity: 'error',
      comment: `docs/design.md, Import rules: ${folder} imports ${may.map(readable).join(', ') || 'nothing of ours'}`,
      from: { path, pathNot: TEST },
      to: { path: '^src/', pathNot: [path, ...may] },
    })),
    ...APP_RULES.map((rule) => ({ ...rule, name: `import-rules: ${rule.name}`, severity: 'error' })),
    {
      name: 'import-rules: a folder of the table',
      severity: 'error',
      comment: 'A file of src/ that imports ours sits in a folder of the Import rules table (add new ones there)',
      from: { path: '^src/', pathNot: [TEST, ...FOLDERS.map(({ path }) => path)] },
      to: { path: '^src/' },
    },
    {
      name: 'import-rules: src is not dev tooling',
      severity: 'error',
      comment: 'The service imports nothing from test/, tools/, bench/ or scripts/ (tests beside the code may)',
      from: { path: '^src/', pathNot: TEST },
      to: { path: '^(test|tools|bench|scripts)/' },
    },
    {
      name: 'import-rules: tools, bench and scripts not from test',
      severity: 'error',
      comment: 'tools/, bench/ and scripts/ import nothing from test/ (what they share lives in tools/)',
      from: { path: '^(tools|bench|scripts)/' },
      to: { path: '^test/' },
    },
    {
      name: 'no test file imported',
      severity: 'error',
      comment: 'A test file is imported by nothing (shared test code lives in test/support/ or tools/)',
      from: {},
      to: { path: TEST },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle, so no two folders (or files) import each other',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: '^(src|test|tools|bench|scripts)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
