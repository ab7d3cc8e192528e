// `npm run compare` (bench/compare.ts) as a real process, with fewer runs: the strategies' delivery
// claims hold in its results, on Node and in workerd, and the picture it draws is well-formed SVG.
// Timing is not asserted.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResults, StrategySummary } from '../../bench/lib/compare-types.js';
import { STRATEGIES } from '../../src/ports/store.js';

const RUNS = 20;
const TIMEOUT_MS = 120_000;
// The compare runs every strategy the app has, in the app's order.
const STRATEGY_NAMES = [...STRATEGIES];

/**
 * `npm run compare` with `args`, its results to `dir`; the script's own watchdog fires 10 s before
 * `timeoutMs` so a hang ends with its own message. Resolves with the parsed results.
 */
async function runCompare(dir: string, args: string[], timeoutMs: number): Promise<CompareResults> {
  const json = join(dir, 'r.json');
  const { code, output } = await run(
    'npx',
    ['tsx', 'bench/compare.ts', ...args, '--out', dir, '--json', json, '--timeout', String(timeoutMs / 1000 - 10)],
    timeoutMs,
  );
  expect(code, output).toBe(0);
  return JSON.parse(readFileSync(json, 'utf8'));
}

/** Runs a command in its own process group; kills the whole group if it outlives the timeout. */
function run(
  command: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: process.cwd(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
}

/**
 * A minimal well-formedness check: one root element, balanced and properly nested tags, quoted and
 * unique attributes, `&` only in entities, no markup characters in text. Returns the root element.
 */
function checkXml(xml: string): XmlElement {
  const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkText = (text: string, where: string) => {
    if (/[<&]/.test(text.replace(ENTITY, ''))) throw new Error(`bad character in ${where}: ${text.slice(0, 80)}`);
  };
  const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  const source = xml.replace(/^\s*<\?xml[^?]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const text = source.slice(pos, lt === -1 ? source.length : lt);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 80)}`);
    checkText(text, 'text');
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const match = TAG.exec(source);
    if (!match) throw new Error(`malformed tag at ${lt}: ${source.slice(lt, lt + 80)}`);
    const [whole, closing, name = '', rawAttributes = '', selfClosing] = match;
    if (closing) {
      if (rawAttributes || selfClosing) throw new Error(`malformed end tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key = '', double, single] of rawAttributes.matchAll(ATTRIBUTE)) {
        if (key in attributes) throw new Error(`duplicate attribute ${key} on <${name}>`);
        const value = double ?? single ?? '';
        checkText(value, `attribute ${key} of <${name}>`);
        attributes[key] = value;
      }
      if (stack.length === 0) {
        if (root) throw new Error(`second root element <${name}>`);
        root = { name, attributes };
      }
      if (!selfClosing) stack.push(name);
    }
    pos = lt + whole.length;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (!root) throw new Error('no root element');
  return root;
}

// Both runs start at once and go side by side: each spends most of its time waiting (the stand-in's
// 300 ms latency, settling after each strategy), and each has its own database, stand-in and folder.
const WORKERD_RUNS = 3;
const WORKERD_TIMEOUT_MS = 180_000;
const nodeDir = mkdtempSync(join(tmpdir(), 'finishline-compare-'));
const workerdDir = mkdtempSync(join(tmpdir(), 'finishline-compare-workerd-'));
let nodeRun: Promise<CompareResults>;
let workerdRun: Promise<CompareResults>;
beforeAll(() => {
  nodeRun = runCompare(nodeDir, ['--runs', String(RUNS)], TIMEOUT_MS);
  workerdRun = runCompare(
    workerdDir,
    ['--runtime', 'workerd', '--runs', String(WORKERD_RUNS), '--warmup', '0', '--failure-rate', '0'],
    WORKERD_TIMEOUT_MS,
  );
  // Each describe awaits its own run (and sees its failure there); none is left unhandled meanwhile.
  nodeRun.catch(() => {});
  workerdRun.catch(() => {});
});
afterAll(() => {
  rmSync(nodeDir, { recursive: true, force: true });
  rmSync(workerdDir, { recursive: true, force: true });
});

describe('npm run compare', () => {
  const dir = nodeDir;
  let results: CompareResults;
  const summary = (failureRate: number, strategy: string): StrategySummary => {
    const pass = results.passes.find((p) => p.failureRate === failureRate);
    const found = pass?.strategies.find((s) => s.strategy === strategy);
    if (!found) throw new Error(`no ${strategy} at ${failureRate}`);
    return found.summary;
  };

  beforeAll(async () => {
    results = await nodeRun;
  }, TIMEOUT_MS + 10_000);

  it('runs each strategy the asked number of times, at 0 % and then 20 % provider failures', () => {
    expect(results.parameters.runtime).toBe('node');
    expect(results.passes.map((p) => p.failureRate)).toEqual([0, 0.2]);
    for (const pass of results.passes) {
      expect(pass.strategies.map((s) => s.strategy)).toEqual(STRATEGY_NAMES);
      for (const s of pass.strategies.filter((s) => !s.unavailable)) {
        expect(s.runs).toHaveLength(RUNS);
        expect(s.summary.runs).toBe(RUNS);
      }
    }
  });

  it('shows the three Workers-only strategies as n/a on Node, not as failures', () => {
    for (const pass of results.passes) {
      const na = pass.strategies.filter((s) => s.unavailable);
      expect(na.map((s) => [s.strategy, s.unavailable])).toEqual([
        ['service-binding', 'Workers only'],
        ['queue', 'Workers only'],
        ['workflow', 'Workers only'],
      ]);
      for (const s of na) expect(s.runs).toEqual([]);
    }
    expect(results.expectations.map((e) => e.claim).join('\n')).not.toMatch(/service-binding|queue|workflow/);
    const md = readFileSync(join(dir, 'compare.md'), 'utf8');
    expect(md).toMatch(/\| service-binding +\| n\/a \(Workers only\) +\|/);
  });

  it('fire-and-forget and parallel never send an email twice', () => {
    for (const rate of [0, 0.2]) {
      expect(summary(rate, 'fire-and-forget').doubled).toBe(0);
      expect(summary(rate, 'parallel').doubled).toBe(0);
    }
  });

  it('outbox delivers every email exactly once through 20 % provider failures', () => {
    const outbox = summary(0.2, 'outbox');
    expect(outbox.lost).toBe(0);
    expect(outbox.doubled).toBe(0);
    expect(outbox.delivered).toBe(RUNS);
    expect(results.passes.every((p) => p.unfinishedTasks === 0)).toBe(true);
  });

  it('draws a well-formed SVG with a title, and writes the report', () => {
    const svg = readFileSync(join(dir, 'compare.svg'), 'utf8');
    expect(svg).toContain('<svg');
    const root = checkXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attributes.viewBox).toMatch(/^0 0 \d+ \d+$/);
    expect(root.attributes.role).toBe('img');
    expect(svg).toMatch(/<title[^>]*>[^<]+<\/title>/);
    const md = readFileSync(join(dir, 'compare.md'), 'utf8');
    expect(md).toContain('## 20 % provider failures');
    expect(md).toContain('](compare.svg)');
  });

  it('the well-formedness check itself rejects broken XML', () => {
    expect(() => checkXml('<svg><g></svg>')).toThrow();
    expect(() => checkXml('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => checkXml('<svg a="1" a="2"/>')).toThrow();
    expect(() => checkXml('<svg/><svg/>')).toThrow();
    expect(checkXml('<svg x="&lt;"><text>a &amp; b</text><g/></svg>').name).toBe('svg');
  });
});

// `--runtime workerd`: both Workers in Miniflare (built first with wrangler), a few runs at 0 % failures.
describe('npm run compare -- --runtime workerd', () => {
  const dir = workerdDir;
  let results: CompareResults;
  const summary = (strategy: string): StrategySummary => {
    const found = results.passes[0]?.strategies.find((s) => s.strategy === strategy);
    if (!found || found.unavailable) throw new Error(`no ${strategy}`);
    return found.summary;
  };

  beforeAll(async () => {
    results = await workerdRun;
  }, WORKERD_TIMEOUT_MS + 10_000);

  it('runs all eight strategies in workerd, the Workers-only ones included', () => {
    expect(results.parameters.runtime).toBe('workerd');
    expect(results.service).toMatch(/^workerd .* \(Miniflare .*\)$/);
    const [pass] = results.passes;
    expect(pass?.strategies.map((s) => s.strategy)).toEqual(STRATEGY_NAMES);
    for (const s of pass?.strategies ?? []) {
      expect(s.unavailable).toBeUndefined();
      expect(s.summary.runs).toBe(WORKERD_RUNS);
    }
    expect(summary('service-binding').statuses).toEqual({ '201': WORKERD_RUNS });
    expect(summary('queue').statuses).toEqual({ '202': WORKERD_RUNS });
    expect(summary('workflow').statuses).toEqual({ '202': WORKERD_RUNS });
  });

  it('the queue, the workflow and the outbox (through the queue) deliver every email once', () => {
    for (const name of ['queue', 'workflow', 'outbox', 'service-binding']) {
      expect(summary(name), name).toMatchObject({ delivered: WORKERD_RUNS, lost: 0, doubled: 0 });
    }
    expect(results.passes[0]?.unfinishedTasks).toBe(0);
  });

  it("workerd cuts fire-and-forget's un-awaited send off when the response is done", () => {
    // The provider (300 ms) has not answered when the Worker's response ends: the runtime cancels
    // the fetch, and the recorder sees the Worker hang up. The request had arrived in full, so the
    // stand-in still carries it out.
    expect(summary('fire-and-forget').sendsCutOff).toBe(WORKERD_RUNS);
    expect(summary('wait-until').sendsCutOff).toBe(0);
  });

  it('writes compare-workerd.md and a well-formed compare-workerd.svg', () => {
    expect(checkXml(readFileSync(join(dir, 'compare-workerd.svg'), 'utf8')).name).toBe('svg');
    const md = readFileSync(join(dir, 'compare-workerd.md'), 'utf8');
    expect(md).toContain('](compare-workerd.svg)');
    expect(md).toContain('--runtime workerd');
  });
});

// bench:drain as a real process with a tiny burst: the script keeps working end to end (service
// processes, stand-in, results file). Its delivery figures are asserted, never its timing.
describe('npm run bench:drain', () => {
  it(
    'runs a small burst through two service processes and reports every email delivered once',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'finishline-drain-'));
      try {
        const { code, output } = await run(
          'npx',
          [
            'tsx',
            'bench/drain.ts',
            '--registrations',
            '20',
            '--processes',
            '2',
            '--provider-rate',
            '50',
            '--out',
            dir,
            '--timeout',
            '60',
          ],
          TIMEOUT_MS,
        );
        expect(code, output).toBe(0);
        const results = JSON.parse(readFileSync(join(dir, 'drain.json'), 'utf8'));
        expect(results.burst.answered201).toBe(20);
        expect(results.emails).toMatchObject({ expected: 20, delivered: 20, lost: 0, queued: 0, doubled: 0 });
        expect(results.processes.map((p: { exitCode: number | null }) => p.exitCode)).toEqual([0, 0]);
        expect(readFileSync(join(dir, 'drain.md'), 'utf8')).toContain('## Targets');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});

describe('the benchmarks without PostgreSQL', () => {
  for (const script of ['compare', 'bench:strategies', 'bench:drain']) {
    it(`npm run ${script} says in one line that it needs PostgreSQL, and where`, async () => {
      const { code, output } = await run('npm', ['run', '--silent', script], TIMEOUT_MS, {
        TEST_POSTGRES_URL: 'postgres://postgres@127.0.0.1:9/postgres',
      });
      expect(code).toBe(1);
      expect(output.trim().split('\n')).toEqual([
        `npm run ${script} needs PostgreSQL at 127.0.0.1:9 (trust auth, user postgres; or set TEST_POSTGRES_URL): ` +
          'start it, e.g. pg_ctlcluster --skip-systemctl-redirect 15 main start',
      ]);
    });
  }
});
