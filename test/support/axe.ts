// Accessibility checks for the browser tests: axe-core run inside the page.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type axe from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * axe-core goes into the page as a script the page loads by URL, from a small HTTP server in this
 * process (the request never reaches the service under test). Sent inline instead (the full
 * `axe.source`, 1.5 MB of <script> text through the DevTools protocol each time), it took most of
 * each check's time; loaded by URL, Chromium streams and compiles it as it does any script, about
 * twice as fast here. Served over HTTP rather than answered by a route on the context, the 0.5 MB
 * no longer crosses the DevTools protocol (base64) on every check, the context's requests are not
 * intercepted, and Chromium's cache keeps the script (and its compiled code) between checks. The
 * minified build is the same engine and rules.
 */
let serving: Promise<string> | undefined;

function axeUrl(): Promise<string> {
  serving ??= (async () => {
    const body = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'));
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=3600' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Never keeps the test process alive: it ends with the file's worker.
    server.unref();
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/axe.min.js`;
  })();
  return serving;
}

async function injectAxe(page: Page): Promise<void> {
  await page.addScriptTag({ url: await axeUrl() });
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
    // iframes: false — axe is injected into the top document only, so it cannot run inside a frame
    // (the dev mailbox's are sandboxed, without scripts, as well): with frames on, it only waited
    // for each frame's answer (half a second) and reported them untested, as it still does.
    const result = await run(document, { resultTypes: ['violations'], iframes: false });
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
