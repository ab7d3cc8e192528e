// Accessibility checks for the browser tests: axe-core run inside the page.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type axe from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';

/**
 * axe-core goes into the page as a script the page loads by URL, answered by the browser context
 * itself (the request never reaches the service under test). Sent inline instead (the full
 * `axe.source`, 1.5 MB of <script> text through the DevTools protocol each time), it took most of
 * each check's time; loaded by URL, Chromium streams and compiles it as it does any script, about
 * twice as fast here. The minified build is the same engine and rules.
 */
const AXE_PATH = '/__test-only/axe.min.js';
let axeMinified: string | undefined;
const servingAxe = new WeakSet<BrowserContext>();

async function injectAxe(page: Page): Promise<void> {
  const context = page.context();
  if (!servingAxe.has(context)) {
    servingAxe.add(context);
    axeMinified ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const body = axeMinified;
    await context.route(`**${AXE_PATH}`, (route) =>
      route.fulfill({ body, contentType: 'text/javascript', headers: { 'cache-control': 'max-age=3600' } }),
    );
  }
  await page.addScriptTag({ url: AXE_PATH });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. The page's context must
 * be created with `bypassCSP: true`: the pages' CSP (rightly) forbids the injected script.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await injectAxe(page);
  const violations = await page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Readable lines for a failed assertion. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)}`).join('\n')}`)
    .join('\n');
}
