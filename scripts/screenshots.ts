// npm run screenshots — pictures of the pages (out/screenshots/*.png; docs/screenshots/ with --update-docs).
//
// Starts the service on a temporary embedded database with a small race (the marathon nearly sold
// out), signs a few runners up, and photographs the pages in Debian's Chromium (playwright-core):
// sign-up (desktop, with errors, and on a phone), confirmation, dev mailbox, admin dashboard. For the
// dashboard's dead letter the service is restarted on the same data with the Resend stand-in, which
// refuses the next email permanently.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RACE, type Race } from '../src/domain/race.js';
import { silentLogger } from '../src/ports/logger.js';
import { type NodeService, startNodeService } from '../src/runtime/node/service.js';
import { launchChromium } from '../tools/chromium.js';
import { outputDir } from '../tools/output.js';
import { startResendStandIn } from '../tools/resend-stand-in.js';

// out/screenshots/ (untracked), or the committed docs/screenshots/ the README shows with --update-docs.
const OUT = outputDir('screenshots', 'docs/screenshots', process.argv.includes('--update-docs'));
const ADMIN_TOKEN = 'screenshot-admin-token-0123456789';
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };

const RACE: Race = {
  ...DEFAULT_RACE,
  distances: [
    { id: '10', label: '10 km', startTime: '09:30', cap: 2000 },
    { id: 'half', label: 'Half marathon', startTime: '09:00', cap: 3000 },
    { id: 'full', label: 'Marathon', startTime: '08:30', cap: 6 },
  ],
};

const RUNNERS = [
  ['Ada', 'Lovelace', 'full', '12 Analytical Row\nLondon'],
  ['Grace', 'Hopper', 'full', '1 Harbour Street\nArlington'],
  ['Katherine', 'Johnson', 'full', '3 Orbit Lane\nHampton'],
  ['Alan', 'Turing', 'half', '7 Bletchley Road\nWilmslow'],
  ['Margaret', 'Hamilton', '10', '11 Apollo Way\nBoston'],
  ['Edsger', 'Dijkstra', 'half', '5 Shortest Path\nNuenen'],
  ['Donald', 'Knuth', '10', '1 Art Lane\nStanford'],
] as const;

function env(dataDir: string, raceFile: string, extra: Record<string, string> = {}) {
  return {
    PORT: '0',
    DATA_DIR: dataDir,
    RACE_CONFIG: raceFile,
    ADMIN_TOKEN,
    RATE_LIMIT_PER_MINUTE: '0',
    TASK_SWEEP_INTERVAL_MS: '200',
    ...extra,
  };
}

async function register(service: NodeService, [firstName, lastName, distance, address]: readonly string[]) {
  const email = `${firstName!.toLowerCase()}.${lastName!.toLowerCase()}@example.com`;
  const res = await fetch(`${service.url}/api/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ firstName, lastName, email, address, distance }),
  });
  if (res.status !== 201) throw new Error(`registering ${firstName}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shoot(page: Page, name: string, fullPage = true) {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage });
  console.log(`wrote ${path}`);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'finishline-screenshots-'));
  const raceFile = join(dir, 'race.json');
  writeFileSync(raceFile, JSON.stringify(RACE));
  const dataDir = join(dir, 'data');
  let browser: Browser | undefined;
  let service: NodeService | undefined;
  const standIn = await startResendStandIn();
  try {
    browser = await launchChromium();

    // 1. Dev mailbox on: sign-ups, the sign-up page, the confirmation, the mailbox.
    service = await startNodeService(env(dataDir, raceFile), silentLogger);
    for (const runner of RUNNERS.slice(0, 6)) await register(service, runner);

    const desktop = await browser.newContext({ viewport: DESKTOP });
    const page = await desktop.newPage();
    await page.goto(`${service.url}/`);
    await shoot(page, 'sign-up');

    // On a phone (390×844 viewport; the whole page).
    const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${service.url}/`);
    await shoot(phonePage, 'sign-up-phone');
    await phone.close();

    // Errors: sent as a runner would, with a bad email and nothing else.
    await page.fill('#firstName', 'Barbara');
    await page.fill('#email', 'barbara@example');
    // Refused: redirected back to the page, which shows why (Post/Redirect/Get).
    await Promise.all([page.waitForSelector('.alert.error'), page.click('button[type=submit]')]);
    await shoot(page, 'sign-up-errors');

    await page.goto(`${service.url}/`);
    await page.fill('#firstName', 'Barbara');
    await page.fill('#lastName', 'Liskov');
    await page.fill('#email', 'barbara.liskov@example.com');
    await page.fill('#address', '9 Substitution Street\nCambridge');
    await page.check('#distance-full');
    await page.click('button[type=submit]');
    await page.waitForURL('**/registrations/*');
    const confirmation = page.url();
    await until(async () => {
      await page.goto(confirmation);
      return (await page.locator('.badge.sent').count()) > 0;
    }, 'the email');
    await shoot(page, 'confirmation');

    await page.goto(`${service.url}/dev/mail`);
    await shoot(page, 'dev-mailbox', false);

    await service.stop();
    service = undefined;

    // 2. Same data, Resend (the stand-in) refusing the next email: a dead letter for the dashboard.
    service = await startNodeService(
      env(dataDir, raceFile, { RESEND_API_KEY: standIn.apiKey, RESEND_BASE_URL: standIn.url }),
      silentLogger,
    );
    standIn.failNext(1, { status: 422, name: 'validation_error', message: 'Invalid `to` field.' });
    await register(service, RUNNERS[6]!);
    await until(async () => {
      const res = await fetch(`${service!.url}/api/admin/tasks?status=dead`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return ((await res.json()) as { tasks: unknown[] }).tasks.length > 0;
    }, 'the dead letter');

    await page.goto(`${service.url}/admin`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:text("Admin")');
    await shoot(page, 'admin');
    await desktop.close();
  } finally {
    await browser?.close();
    await service?.stop();
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
