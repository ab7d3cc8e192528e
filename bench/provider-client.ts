// Benchmark (not a test): the CPU one email send costs the service on Node, by HTTP client (issue 13:
// the wait-until route sends one email per registration, so this is part of every answer).
//
//   npm run bench:provider-client [-- --sends 4000 --rounds 5 --concurrency 32 --out DIR --update-docs]
//
// Each send goes through the project's Resend adapter (createResendMailer) with a real confirmation
// email (race.example.json), to a loopback server in a child process of its own that answers as
// Resend's POST /emails does (200, {"id"}, the rate-limit headers). The clients, in interleaved rounds
// (A B C, then C B A…), each after a warm-up of 500 sends:
//   - fetch: Node's fetch as the runtime gives it;
//   - fetch, redirects refused: `redirect: 'error'`, no window (the project's client until this round);
//   - node:http: src/runtime/node/provider-post.ts, the project's client now.
// The figure is this process's CPU time (user + system, process.cpuUsage) per send: the client's share
// only — the server's is in the other process.
//
// Results on stdout and in provider-client.{md,json} in out/provider-client/ (`--out DIR`, or the
// committed bench/results/ with --update-docs). Exits 0 unless something crashed.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fetchPost, type HttpPost } from '../src/adapters/mail/http-post.js';
import { createResendMailer } from '../src/adapters/mail/resend.js';
import { buildConfirmationEmail } from '../src/domain/confirmation-email.js';
import { raceFromJson } from '../src/race-config.js';
import { createProviderPost } from '../src/runtime/node/provider-post.js';
import { outputDir } from '../tools/output.js';
import { positiveInt } from './lib/args.js';
import { machine } from './lib/machine.js';
import { runBench } from './lib/run.js';
import { summarize } from './lib/stats.js';

const { values: flags } = parseArgs({
  options: {
    sends: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    out: { type: 'string' },
    'update-docs': { type: 'boolean' },
  },
  strict: true,
});
const params = {
  sends: positiveInt('sends', flags.sends),
  rounds: positiveInt('rounds', flags.rounds),
  concurrency: positiveInt('concurrency', flags.concurrency),
  warmup: 500,
};
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = flags.out
  ? resolve(flags.out)
  : outputDir('provider-client', join(HERE, 'results'), flags['update-docs']);

/** Resend's POST /emails, as far as a client can tell: reads the body, answers 200 with an id. */
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({ id: crypto.randomUUID() });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      'ratelimit-limit': '2', 'ratelimit-remaining': '1', 'ratelimit-reset': '1' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startServer(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { child, baseUrl: `http://127.0.0.1:${chunk.toString().trim()}` };
}

const CLIENTS: { name: string; post: () => HttpPost }[] = [
  // The adapter's own default (what Workers use): plain fetch when no timeoutMs is given, as here.
  { name: 'fetch', post: () => fetchPost },
  {
    name: 'fetch, redirects refused',
    post: () => (url, init) => fetch(url, { method: 'POST', ...init, redirect: 'error', window: null }),
  },
  { name: 'node:http (the project)', post: () => createProviderPost() },
];

async function main(): Promise<number> {
  const race = raceFromJson(await readFile(join(HERE, '..', 'race.example.json'), 'utf8'), 'race.example.json');
  const email = buildConfirmationEmail(race, 'Riverside Marathon <onboarding@resend.dev>', {
    registrationId: crypto.randomUUID(),
    firstName: 'Ada',
    email: 'ada@example.com',
    distance: race.distances[0]?.id ?? 'marathon',
  });
  const { child, baseUrl } = await startServer();
  const mailers = CLIENTS.map((c) => createResendMailer({ apiKey: 're_bench', baseUrl, post: c.post() }));
  async function sendMany(index: number, count: number) {
    const mailer = mailers[index];
    if (!mailer) throw new Error('no such client');
    let left = count;
    await Promise.all(
      Array.from({ length: params.concurrency }, async () => {
        while (left-- > 0) await mailer.send(email, { idempotencyKey: crypto.randomUUID() });
      }),
    );
  }
  const cpuPerSend: number[][] = CLIENTS.map(() => []);
  try {
    for (let i = 0; i < CLIENTS.length; i++) await sendMany(i, params.warmup);
    for (let round = 0; round < params.rounds; round++) {
      const order = CLIENTS.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const before = process.cpuUsage();
        await sendMany(i, params.sends);
        const used = process.cpuUsage(before);
        cpuPerSend[i]?.push((used.user + used.system) / params.sends);
      }
      process.stderr.write(`round ${round + 1}/${params.rounds} done\n`);
    }
  } finally {
    child.kill();
  }

  const host = machine();
  const rows = CLIENTS.map((c, i) => ({ client: c.name, cpuUsPerSend: summarize(cpuPerSend[i] ?? []) }));
  const project = rows[CLIENTS.length - 1]?.cpuUsPerSend.p50 ?? Number.NaN;
  const md = [
    '# Provider client benchmark: CPU per email send on Node, by HTTP client',
    '',
    `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB RAM, ${host.os}, Node ${host.node}. Date: ${host.date}.`,
    '',
    `Parameters: ${params.rounds} interleaved rounds of ${params.sends} sends per client, ${params.concurrency} at a time, after ${params.warmup} warm-up sends each; each send through the Resend adapter with a confirmation email of ${Buffer.byteLength(JSON.stringify(email))} bytes, to a loopback server in another process answering as Resend's POST /emails. CPU: this process's user + system time per send (the server's is not in it).`,
    '',
    '| client | CPU µs per send: median of rounds | min | max | × node:http |',
    '|---|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.client} | ${r.cpuUsPerSend.p50.toFixed(0)} | ${Math.min(...(cpuPerSend[rows.indexOf(r)] ?? [])).toFixed(0)} | ${r.cpuUsPerSend.max.toFixed(0)} | ${(r.cpuUsPerSend.p50 / project).toFixed(2)} |`,
    ),
    '',
    `Per round (µs per send): ${rows.map((r, i) => `${r.client} ${(cpuPerSend[i] ?? []).map((v) => v.toFixed(0)).join(', ')}`).join('; ')}.`,
    '',
  ].join('\n');
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(join(OUT_DIR, 'provider-client.md'), md);
  await writeFile(
    join(OUT_DIR, 'provider-client.json'),
    `${JSON.stringify({ machine: host, params, rows, rounds: cpuPerSend }, null, 2)}\n`,
  );
  console.log(md);
  console.log(`results: ${join(OUT_DIR, 'provider-client.md')}`);
  return 0;
}

runBench('bench:provider-client', main, 10 * 60_000);
