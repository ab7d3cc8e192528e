// The import rules (docs/design.md, Import rules) are worth something only if breaking one fails
// `npm run lint`: the checker's own configuration (.dependency-cruiser.mjs), run over a few files
// written for the purpose in a folder of their own, finds each broken rule and nothing else.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONFIG = pathToFileURL(join(import.meta.dirname, '../../.dependency-cruiser.mjs')).href;

let config: IConfiguration;
/** The configuration's own options (type-only imports count), but not its tsconfig.json: none here. */
let options: ICruiseOptions;
const folders: string[] = [];

beforeAll(async () => {
  config = ((await import(CONFIG)) as { default: IConfiguration }).default;
  const { tsConfig: _, ...rest } = config.options ?? {};
  options = rest as ICruiseOptions;
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/**
 * The rules broken by these files (path → the paths it imports; `type:` before a path makes the import
 * type-only), as `rule: from → to`.
 */
async function broken(files: Record<string, string[]>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'finishline-import-rules-'));
  folders.push(root);
  for (const [path, imports] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    const lines = imports.map((to) =>
      to.startsWith('type:')
        ? `import type { T } from '${relativeTo(path, to.slice('type:'.length))}';`
        : `import '${relativeTo(path, to)}';`,
    );
    writeFileSync(join(root, path), `${lines.join('\n')}\nexport {};\n`);
  }
  const tops = [...new Set(Object.keys(files).map((path) => path.split('/')[0] as string))];
  const { output } = await cruise(tops, {
    ...options,
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  });
  const { summary } = output as ICruiseResult;
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

function relativeTo(from: string, to: string): string {
  const up = from.split('/').length - 1;
  return `${'../'.repeat(up)}${to}`;
}

describe('the import rules, as lint checks them', () => {
  it('let every folder import what its row of the table lists', async () => {
    expect(
      await broken({
        'src/domain/race.ts': [],
        'src/ports/mailer.ts': ['src/domain/race.ts'],
        'src/tracing/tracer.ts': ['src/ports/mailer.ts'],
        'src/tasks/engine.ts': ['src/ports/mailer.ts', 'src/tracing/tracer.ts', 'src/tasks/sql/claim.ts'],
        'src/tasks/sql/claim.ts': ['src/ports/mailer.ts'],
        'src/tasks/kinds/email.ts': ['src/tasks/engine.ts'],
        'src/adapters/db/store.ts': ['src/tasks/sql/claim.ts', 'src/tasks/kinds/email.ts', 'src/domain/race.ts'],
        'src/adapters/mail/resend.ts': ['src/ports/mailer.ts', 'src/version.ts'],
        'src/version.ts': [],
        'src/app/create-app.ts': ['src/tasks/engine.ts', 'src/tracing/tracer.ts', 'src/domain/race.ts'],
        'src/services.ts': ['src/adapters/db/store.ts', 'src/app/create-app.ts'],
        'src/runtime/node/main.ts': ['src/services.ts', 'src/runtime/shared/context.ts', 'src/adapters/db/store.ts'],
        'src/runtime/shared/context.ts': [],
        'src/app/create-app.test.ts': ['src/adapters/db/store.ts', 'tools/postgres.ts'],
        'tools/postgres.ts': ['src/adapters/db/store.ts'],
        'bench/http.ts': ['tools/postgres.ts', 'src/runtime/node/main.ts'],
        'test/support/stack.ts': ['src/runtime/node/main.ts', 'tools/postgres.ts', 'bench/http.ts'],
      }),
    ).toEqual([]);
  });

  it('fail a folder that imports one its row does not list, type-only or not', async () => {
    expect(
      await broken({
        'src/domain/race.ts': ['type:src/adapters/db/store.ts'],
        'src/adapters/db/store.ts': ['src/tasks/engine.ts'],
        'src/tasks/engine.ts': [],
        'src/app/create-app.ts': ['src/runtime/node/main.ts', 'src/services.ts'],
        'src/runtime/node/main.ts': ['src/runtime/workers/main.ts'],
        'src/runtime/workers/main.ts': [],
        'src/services.ts': [],
      }),
    ).toEqual([
      'import-rules: adapters/db: src/adapters/db/store.ts → src/tasks/engine.ts',
      'import-rules: app: src/app/create-app.ts → src/runtime/node/main.ts',
      'import-rules: app: src/app/create-app.ts → src/services.ts',
      'import-rules: domain: src/domain/race.ts → src/adapters/db/store.ts',
      'import-rules: runtime/node: src/runtime/node/main.ts → src/runtime/workers/main.ts',
    ]);
  });

  it('fail a folder missing from the table, dev tooling in the service, test code outside the tests, a cycle', async () => {
    expect(
      await broken({
        'src/views/page.ts': ['src/domain/race.ts'],
        'src/domain/race.ts': [],
        'src/app/create-app.ts': ['tools/postgres.ts'],
        'tools/postgres.ts': [],
        'bench/http.ts': ['test/support/stack.ts', 'src/app/create-app.test.ts'],
        'test/support/stack.ts': [],
        'src/app/create-app.test.ts': [],
        'src/tasks/a.ts': ['src/tasks/b.ts'],
        'src/tasks/b.ts': ['src/tasks/a.ts'],
      }),
    ).toEqual([
      'import-rules: a folder of the table: src/views/page.ts → src/domain/race.ts',
      'import-rules: src is not dev tooling: src/app/create-app.ts → tools/postgres.ts',
      'import-rules: tools, bench and scripts not from test: bench/http.ts → test/support/stack.ts',
      'no test file imported: bench/http.ts → src/app/create-app.test.ts',
      'no-circular: src/tasks/a.ts → src/tasks/b.ts',
    ]);
  });

  it('inside app: routes on top, pages as views, middleware only middleware', async () => {
    expect(
      await broken({
        'src/app/create-app.ts': ['src/app/routes/admin.ts', 'src/app/middleware/admin-auth/index.ts'],
        'src/app/routes/admin.ts': ['src/app/pages/admin/dashboard.tsx', 'src/app/sign-up/register.ts'],
        'src/app/pages/admin/dashboard.tsx': [
          'src/app/pages/layout.tsx',
          'src/app/errors.ts',
          'src/app/sign-up/register.ts',
        ],
        'src/app/pages/layout.tsx': [],
        'src/app/errors.ts': [],
        'src/app/sign-up/register.ts': ['src/app/errors.ts'],
        'src/app/middleware/admin-auth/index.ts': ['src/app/admin-session/index.ts', 'src/app/body/json-body.ts'],
        'src/app/admin-session/index.ts': ['src/app/errors.ts'],
        'src/app/body/json-body.ts': [],
        'src/app/openapi/paths/admin.ts': ['src/app/routes/health.ts'],
        'src/app/routes/health.ts': [],
      }),
    ).toEqual([
      'import-rules: app: middleware is only middleware: src/app/middleware/admin-auth/index.ts → src/app/body/json-body.ts',
      'import-rules: app: pages are views: src/app/pages/admin/dashboard.tsx → src/app/sign-up/register.ts',
      'import-rules: app: routes are on top: src/app/openapi/paths/admin.ts → src/app/routes/health.ts',
    ]);
  });
});
