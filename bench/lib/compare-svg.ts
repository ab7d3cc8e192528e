// The picture of `npm run compare`, drawn by hand (no chart library): a self-contained SVG with
// (A) a waterfall of one typical request per strategy — the answer and the email, on one time axis —
// and (B) response time per strategy next to what reached the runners when the provider fails.
import type { CompareResults, Pass, Run, StrategyResult } from './compare-types.js';

const WIDTH = 900;
const LEFT = 24; // strategy labels start here
const PLOT_X = 190; // plots start here
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const COLOR = {
  text: '#111827',
  muted: '#4b5563',
  faint: '#9ca3af',
  grid: '#e5e7eb',
  response: '#2563eb',
  marker: '#1e3a8a',
  email: '#16a34a',
  emailWait: '#bbf7d0',
  failed: '#dc2626',
  failedWait: '#fee2e2',
  cutOff: '#6b7280',
  track: '#f3f4f6',
};

/** Text and attribute values, escaped for XML. */
export function esc(value: string | number): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const WAYS: Record<number, string> = { 5: 'five', 6: 'six', 7: 'seven', 8: 'eight' };
const n = (v: number) => String(Math.round(v * 10) / 10);
const fmtMs = (v: number) => (v < 10 ? v.toFixed(1) : Math.round(v).toString());
const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;

type Attrs = Record<string, string | number | undefined>;
const attrs = (a: Attrs) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? n(v) : (v as string))}"`)
    .join('');
const el = (name: string, a: Attrs, body?: string) =>
  body === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${body}</${name}>`;
const text = (x: number, y: number, content: string, a: Attrs = {}) => el('text', { x, y, ...a }, esc(content));
const rect = (x: number, y: number, w: number, h: number, a: Attrs = {}) =>
  el('rect', { x, y, width: Math.max(0, w), height: h, ...a });
const line = (x1: number, y1: number, x2: number, y2: number, a: Attrs = {}) => el('line', { x1, y1, x2, y2, ...a });

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks up to `max`. */

/** The chart's section titles (A, B). */
function sectionHeading(y: number, label: string): string {
  return text(LEFT, y, label, { 'font-size': 16, 'font-weight': 700, fill: COLOR.text });
}
function niceStep(max: number, count: number): number {
  const raw = Math.max(max, 1e-9) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

function axis(x0: number, x1: number, y: number, top: number, max: number, step: number, unit: string): string[] {
  const out: string[] = [];
  const scale = (v: number) => x0 + ((x1 - x0) * v) / max;
  for (let v = 0; v <= max + step / 1000; v += step) {
    const x = scale(v);
    out.push(line(x, top, x, y, { stroke: COLOR.grid, 'stroke-width': 1 }));
    out.push(line(x, y, x, y + 5, { stroke: COLOR.muted }));
    out.push(text(x, y + 18, `${Math.round(v)}`, { 'text-anchor': 'middle', fill: COLOR.muted, 'font-size': 12 }));
  }
  out.push(line(x0, y, x1, y, { stroke: COLOR.muted }));
  out.push(text(x1, y + 34, unit, { 'text-anchor': 'end', fill: COLOR.muted, 'font-size': 12 }));
  return out;
}

const ok = (status: number) => status >= 200 && status < 300;
/** A send the service hung up on before the provider answered (status 0 at the recorder). */
const cutOff = (status: number) => status === 0;

/** The run whose response time is closest to the median of these runs. */
function typical(runs: Run[]): Run | undefined {
  if (runs.length === 0) return undefined;
  const sorted = runs.map((r) => r.responseMs).sort((a, b) => a - b);
  const median = sorted[Math.ceil(sorted.length / 2) - 1] as number;
  return runs.reduce((best, r) => (Math.abs(r.responseMs - median) < Math.abs(best.responseMs - median) ? r : best));
}

// A send the service hung up on has no status: whether the provider took it shows in what was accepted.
const firstSendFailed = (r: Run) => {
  const first = [...r.sends].sort((a, b) => a.startMs - b.startMs)[0];
  return first && !cutOff(first.status) ? !ok(first.status) : r.acceptedEmails === 0;
};

/** The runs with the fewest failed sends (a single failure is the typical case, not four in a row). */
function fewestFailures(runs: Run[]): Run[] {
  const failures = (r: Run) => r.sends.filter((s) => !ok(s.status)).length;
  const least = Math.min(...runs.map(failures));
  return runs.filter((r) => failures(r) === least);
}

interface Lane {
  label: string;
  run: Run | undefined;
  empty: string;
}

function lanesFor(name: string, calm: Pass, stormy: Pass | undefined): Lane[] {
  const find = (pass: Pass) => pass.strategies.find((s) => s.strategy === name) as StrategyResult;
  const na = find(calm).unavailable;
  if (na) return [{ label: 'not measured', run: undefined, empty: `n/a here (${na}): its route answers 501` }];
  const lanes: Lane[] = [{ label: `${pct(calm.failureRate)} · typical`, run: typical(find(calm).runs), empty: '' }];
  if (stormy) {
    lanes.push({
      label: `${pct(stormy.failureRate)} · 1st send failed`,
      run: typical(fewestFailures(find(stormy).runs.filter(firstSendFailed))),
      empty: 'no run had a failed first send',
    });
  }
  return lanes;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function waterfallLane(run: Run, y: number, scale: (v: number) => number): string[] {
  const out: string[] = [];
  const sends = [...run.sends].sort((a, b) => a.startMs - b.startMs);
  const failedSends = sends.filter((s) => !ok(s.status) && !cutOff(s.status)).length;
  const cutSends = sends.filter((s) => cutOff(s.status)).length;
  const respY = y + 2;
  const mailY = y + 16;
  const h = 10;

  // The answer: request start → response, a marker at the response.
  out.push(rect(scale(0), respY, Math.max(2, scale(run.responseMs) - scale(0)), h, { fill: COLOR.response, rx: 2 }));
  // The email: request start → accepted (pale: not yet sent, or waiting for a retry), the sends on top.
  const lost = run.emailMs === null;
  const emailEnd = lost ? Math.max(run.responseMs, ...sends.map((s) => s.endMs)) : (run.emailMs as number);
  out.push(
    rect(scale(0), mailY, Math.max(2, scale(emailEnd) - scale(0)), h, {
      fill: lost ? COLOR.failedWait : COLOR.emailWait,
      rx: 2,
    }),
  );
  for (const s of sends) {
    const x = scale(Math.max(0, s.startMs));
    const w = Math.max(2, scale(s.endMs) - x);
    out.push(
      ok(s.status)
        ? rect(x, mailY, w, h, { fill: COLOR.email, rx: 2 })
        : cutOff(s.status)
          ? rect(x, mailY, w, h, {
              fill: '#ffffff',
              stroke: COLOR.cutOff,
              'stroke-width': 1.5,
              'stroke-dasharray': '3 2',
            })
          : rect(x, mailY, w, h, { fill: 'url(#hatch)', stroke: COLOR.failed, 'stroke-width': 1 }),
    );
  }
  const xr = scale(run.responseMs);
  out.push(
    line(xr, respY - 2, xr, mailY + h + 2, { stroke: COLOR.marker, 'stroke-width': 1, 'stroke-dasharray': '2 2' }),
  );
  out.push(
    el('path', {
      d: `M ${n(xr)} ${n(respY + h / 2 - 6)} l 6 6 l -6 6 l -6 -6 z`,
      fill: COLOR.marker,
      stroke: '#ffffff',
      'stroke-width': 1,
    }),
  );

  out.push(
    text(xr + 10, respY + 9, `${run.status || 'no answer'} after ${fmtMs(run.responseMs)} ms`, {
      fill: COLOR.marker,
      'font-size': 12,
    }),
  );
  const mailLabel = lost
    ? `✕ lost${run.status === 502 ? ' (answered 502 email_failed)' : ''}${sends.length === 0 ? ' (never sent)' : ''}${cutSends ? ' (the service had hung up)' : ''}`
    : `✓ accepted at ${fmtMs(run.emailMs as number)} ms${failedSends ? ` after ${plural(failedSends, 'failed send')}` : ''}${cutSends ? ' (the service had hung up)' : ''}`;
  out.push(
    text(scale(emailEnd) + 8, mailY + 9, mailLabel, {
      fill: lost ? COLOR.failed : '#166534',
      'font-size': 12,
      'font-weight': lost ? 700 : 400,
    }),
  );
  return out;
}

/** The legend from (x, y), wrapped onto more lines when it does not fit; returns its lines and height. */
function legend(x: number, y: number, withCutOff: boolean): { items: string[]; height: number } {
  const items: [string, string][] = [
    [rect(0, -9, 22, 10, { fill: COLOR.response, rx: 2 }), 'response'],
    [el('path', { d: 'M 8 -10 l 6 6 l -6 6 l -6 -6 z', fill: COLOR.marker }), 'answer'],
    [rect(0, -9, 22, 10, { fill: COLOR.emailWait, rx: 2 }), 'email owed (queued / waiting to retry)'],
    [rect(0, -9, 22, 10, { fill: COLOR.email, rx: 2 }), 'send accepted'],
    [rect(0, -9, 22, 10, { fill: 'url(#hatch)', stroke: COLOR.failed }), 'send failed (500)'],
  ];
  if (withCutOff)
    items.push([
      rect(0, -9, 22, 10, { fill: '#ffffff', stroke: COLOR.cutOff, 'stroke-width': 1.5, 'stroke-dasharray': '3 2' }),
      'cut off (service hung up)',
    ]);
  const out: string[] = [];
  let cx = x;
  let cy = y;
  for (const [swatch, label] of items) {
    const width = 28 + label.length * 6.6;
    if (cx > x && cx + width > WIDTH - LEFT) {
      cx = x;
      cy += 20;
    }
    out.push(el('g', { transform: `translate(${n(cx)} ${n(cy)})` }, swatch));
    out.push(text(cx + 28, cy, label, { fill: COLOR.muted, 'font-size': 12 }));
    cx += width + 20;
  }
  return { items: out, height: cy - y };
}

export function renderCompareSvg(results: CompareResults): string {
  const { passes, parameters: p } = results;
  const calm = passes.find((q) => q.failureRate === 0) ?? (passes[0] as Pass);
  const stormy = [...passes].filter((q) => q.failureRate > 0).sort((a, b) => b.failureRate - a.failureRate)[0];
  const names = calm.strategies.map((s) => s.strategy);
  const body: string[] = [];
  let y = 36;

  // ------------------------------------------------ title
  body.push(
    text(
      LEFT,
      y,
      `finishline${p.runtime === 'workerd' ? ' in workerd' : ''} — ${WAYS[names.length] ?? names.length} ways to send the confirmation email`,
      {
        'font-size': 21,
        'font-weight': 700,
        fill: COLOR.text,
      },
    ),
  );
  y += 22;
  body.push(
    text(
      LEFT,
      y,
      `Resend stand-in at ${p.latencyMs} ms latency · ${p.runs} runs per strategy and pass · concurrency ${p.concurrency} · provider failures ${p.failureRates.map(pct).join(' and ')}`,
      { 'font-size': 13, fill: COLOR.muted },
    ),
  );
  y += 18;
  const m = results.machine;
  body.push(
    text(
      LEFT,
      y,
      `${m.cpu}, ${m.cores} cores, Node ${m.node}${p.runtime === 'workerd' ? `, ${results.service}` : ''}, ${m.date.slice(0, 10)}`,
      {
        'font-size': 12,
        fill: COLOR.faint,
      },
    ),
  );

  // ------------------------------------------------ A: waterfall
  y += 36;
  body.push(sectionHeading(y, 'A · One request per strategy, start to email'));
  y += 18;
  body.push(
    text(
      LEFT,
      y,
      `${stormy ? 'Upper lane: t' : 'T'}he run closest to the median response at ${pct(calm.failureRate)} failures.`,
      { 'font-size': 12, fill: COLOR.muted },
    ),
  );
  if (stormy) {
    y += 16;
    body.push(
      text(
        LEFT,
        y,
        `Lower lane: the same among runs whose first send failed (${pct(stormy.failureRate)} pass), with the fewest failed sends.`,
        { 'font-size': 12, fill: COLOR.muted },
      ),
    );
  }
  y += 24;
  const withCutOff = passes.some((q) => q.strategies.some((s) => s.summary.sendsCutOff > 0));
  const { items: legendItems, height: legendHeight } = legend(LEFT, y, withCutOff);
  body.push(...legendItems);
  y += 18 + legendHeight;

  const groups = names.map((name) => ({ name, lanes: lanesFor(name, calm, stormy) }));
  const ends = groups.flatMap((g) =>
    g.lanes.flatMap((l) => (l.run ? [l.run.responseMs, l.run.emailMs ?? 0, ...l.run.sends.map((s) => s.endMs)] : [0])),
  );
  const wfStep = niceStep(Math.max(...ends), 6);
  const wfMax = Math.ceil(Math.max(...ends) / wfStep) * wfStep || wfStep;
  const wfRight = 610; // room on the right for the labels
  const wfScale = (v: number) => PLOT_X + ((wfRight - PLOT_X) * Math.max(0, v)) / wfMax;
  const laneH = 34;
  const wfTop = y;
  const stripes: string[] = [];
  const rows: string[] = [];
  for (const [gi, g] of groups.entries()) {
    const gy = y;
    if (gi % 2 === 0)
      stripes.push(
        rect(LEFT - 8, gy - 4, WIDTH - 2 * LEFT + 16, g.lanes.length * laneH + 4, { fill: '#f9fafb', rx: 4 }),
      );
    rows.push(text(LEFT, gy + 14, g.name, { 'font-size': 14, 'font-weight': 700, fill: COLOR.text }));
    for (const [li, lane] of g.lanes.entries()) {
      const ly = gy + li * laneH;
      rows.push(text(LEFT, ly + 28, lane.label, { 'font-size': 11, fill: COLOR.muted }));
      if (lane.run) rows.push(...waterfallLane(lane.run, ly, wfScale));
      else rows.push(text(PLOT_X, ly + 20, lane.empty, { 'font-size': 12, fill: COLOR.faint, 'font-style': 'italic' }));
    }
    y += g.lanes.length * laneH + 8;
  }
  body.push(...stripes, ...axis(PLOT_X, wfRight, y, wfTop - 6, wfMax, wfStep, 'ms since the request started'));
  body.push(...rows);

  // ------------------------------------------------ B: latency and losses
  y += 62;
  body.push(sectionHeading(y, 'B · What the runner waits for, and what reaches the runner'));
  y += 18;
  body.push(
    text(
      LEFT,
      y,
      `Response time at ${pct(calm.failureRate)} failures: bar = p50, whisker to p95.` +
        (stormy ? ` Counts: of ${p.runs} runners at ${pct(stormy.failureRate)} failures.` : ''),
      { 'font-size': 12, fill: COLOR.muted },
    ),
  );
  y += 30;
  const loss = stormy ?? calm;
  const cols = [
    { x: 600, title: 'lost', pick: (s: StrategyResult) => s.summary.lost },
    { x: 720, title: 'doubled', pick: (s: StrategyResult) => s.summary.doubled },
    { x: 800, title: 'answered,', title2: 'not stored', pick: (s: StrategyResult) => s.summary.answeredNotStored },
  ];
  for (const c of cols) {
    body.push(text(c.x, y - 12, c.title, { 'font-size': 12, 'font-weight': 700, fill: COLOR.text }));
    if (c.title2) body.push(text(c.x, y + 2, c.title2, { 'font-size': 12, 'font-weight': 700, fill: COLOR.text }));
  }
  body.push(text(600, y + 2, `at ${pct(loss.failureRate)}`, { 'font-size': 11, fill: COLOR.muted }));
  y += 14;
  const latTop = y;
  const latRight = 440;
  const p95s = calm.strategies.map((s) => s.summary.responseP95 ?? 0);
  const latStep = niceStep(Math.max(...p95s), 5);
  const latMax = Math.ceil(Math.max(...p95s) / latStep) * latStep || latStep;
  const latScale = (v: number) => PLOT_X + ((latRight - PLOT_X) * Math.max(0, v)) / latMax;
  const rowH = 32;
  const barStripes: string[] = [];
  const barRows: string[] = [];
  for (const [i, s] of calm.strategies.entries()) {
    const ry = y + i * rowH;
    if (i % 2 === 0) barStripes.push(rect(LEFT - 8, ry, WIDTH - 2 * LEFT + 16, rowH, { fill: '#f9fafb', rx: 4 }));
    barRows.push(text(LEFT, ry + 21, s.strategy, { 'font-size': 14, 'font-weight': 700, fill: COLOR.text }));
    if (s.unavailable) {
      barRows.push(
        text(PLOT_X, ry + 21, `n/a here (${s.unavailable}): its route answers 501`, {
          'font-size': 12,
          fill: COLOR.faint,
          'font-style': 'italic',
        }),
      );
      for (const c of cols) barRows.push(text(c.x + 8, ry + 21, '–', { 'font-size': 14, fill: COLOR.faint }));
      continue;
    }
    const p50 = s.summary.responseP50 ?? 0;
    const p95 = s.summary.responseP95 ?? p50;
    const cy = ry + rowH / 2;
    barRows.push(rect(PLOT_X, cy - 7, Math.max(2, latScale(p50) - PLOT_X), 14, { fill: COLOR.response, rx: 2 }));
    barRows.push(line(latScale(p50), cy, latScale(p95), cy, { stroke: COLOR.marker, 'stroke-width': 1.5 }));
    barRows.push(line(latScale(p95), cy - 6, latScale(p95), cy + 6, { stroke: COLOR.marker, 'stroke-width': 1.5 }));
    barRows.push(
      text(latScale(p95) + 8, cy + 4, `${fmtMs(p50)} ms · p95 ${fmtMs(p95)}`, { 'font-size': 12, fill: COLOR.marker }),
    );
    const lossRow = loss.strategies.find((q) => q.strategy === s.strategy) as StrategyResult;
    for (const [ci, c] of cols.entries()) {
      const value = c.pick(lossRow);
      const bad = value > 0;
      if (ci === 0) {
        const track = 70;
        barRows.push(rect(c.x, cy - 6, track, 12, { fill: COLOR.track, rx: 2 }));
        barRows.push(
          rect(c.x, cy - 6, (track * value) / Math.max(1, lossRow.summary.runs), 12, { fill: COLOR.failed, rx: 2 }),
        );
        barRows.push(
          text(c.x + track + 8, cy + 5, String(value), {
            'font-size': 14,
            'font-weight': 700,
            fill: bad ? COLOR.failed : '#166534',
          }),
        );
      } else {
        barRows.push(
          text(c.x + 8, cy + 5, String(value), {
            'font-size': 14,
            'font-weight': 700,
            fill: bad ? COLOR.failed : '#166534',
          }),
        );
      }
    }
  }
  y += calm.strategies.length * rowH + 6;
  body.push(...barStripes, ...axis(PLOT_X, latRight, y, latTop, latMax, latStep, 'response time, ms'));
  body.push(...barRows);
  y += 50;

  const height = Math.ceil(y);
  const title = `Email strategies compared ${p.runtime === 'workerd' ? 'in workerd' : 'on Node'}: a typical request per strategy, response times and lost or doubled emails`;
  const desc = passes
    .map(
      (q) =>
        `${pct(q.failureRate)} failures: ` +
        q.strategies
          .map((s) =>
            s.unavailable
              ? `${s.strategy} n/a (${s.unavailable})`
              : `${s.strategy} response p50 ${fmtMs(s.summary.responseP50 ?? 0)} ms, ${s.summary.lost} lost, ${s.summary.doubled} doubled`,
          )
          .join('; '),
    )
    .join('. ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="compare-title compare-desc" font-family="${esc(FONT)}">`,
    `<title id="compare-title">${esc(title)}</title>`,
    `<desc id="compare-desc">${esc(desc)}</desc>`,
    '<defs>',
    '<pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">',
    `<rect width="6" height="6" fill="${COLOR.failedWait}"/>`,
    `<line x1="0" y1="0" x2="0" y2="6" stroke="${COLOR.failed}" stroke-width="3"/>`,
    '</pattern>',
    '</defs>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
