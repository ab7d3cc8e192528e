// The dev trace view: the latest requests as waterfalls — the request's own spans, the response
// marker (when the answer left), and the background work the request caused (spans linked to its
// trace: the outbox attempts and their provider calls). Bars are SVG rects positioned with x/width
// attributes (the strict CSP forbids inline styles; SVG geometry attributes are not styles).
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RequestTrace } from '../../tracing/recent-traces.js';
import { DevPageHead } from './dev-page-head.js';
import { formatTimestamp } from './format.js';
import { Layout, type Site } from './layout.js';

const WIDTH = 1000;
const toMs = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

interface Row {
  span: ReadableSpan;
  depth: number;
  background: boolean;
}

/** Spans in tree order (parents before their children), each with its depth under `roots`. */
function treeRows(spans: ReadableSpan[], rootIds: Set<string | undefined>, background: boolean): Row[] {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent && (ids.has(parent) || rootIds.has(parent)) ? parent : undefined;
    byParent.set(key, [...(byParent.get(key) ?? []), span]);
  }
  const rows: Row[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of byParent.get(parent) ?? []) {
      rows.push({ span, depth, background });
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  for (const root of rootIds) walk(root, background ? 0 : 1);
  return rows;
}

function detail(span: ReadableSpan): string {
  const a = span.attributes;
  const parts: string[] = [];
  if (a['task.attempt'] !== undefined) parts.push(`attempt ${a['task.attempt']}`);
  if (a['task.outcome'] !== undefined) parts.push(String(a['task.outcome']));
  if (a['sweeper.claimed'] !== undefined) parts.push(`claimed ${a['sweeper.claimed']}`);
  if (a['http.response.status_code'] !== undefined && span.name !== 'http.request')
    parts.push(`HTTP ${a['http.response.status_code']}`);
  if (a['mail.error.code'] !== undefined) parts.push(String(a['mail.error.code']));
  if (a['validation.outcome'] !== undefined) parts.push(String(a['validation.outcome']));
  if (a['task.enqueue.outcome'] !== undefined) parts.push(String(a['task.enqueue.outcome']));
  if (span.status.code === 2 && span.status.message) parts.push(span.status.message);
  return parts.join(' · ');
}

function Waterfall(props: { trace: RequestTrace }) {
  const { request, spans, background } = props.trace;
  const start = toMs(request.startTime);
  const responded = toMs(request.endTime);
  const all = [request, ...spans, ...background];
  const end = Math.max(...all.map((s) => toMs(s.endTime)), responded);
  const range = Math.max(end - start, 0.001);
  const x = (ms: number) => Math.max(0, Math.min(WIDTH, ((ms - start) / range) * WIDTH));
  const marker = x(responded);
  const own = treeRows(spans, new Set([request.spanContext().spanId]), false);
  const bgIds = new Set(background.map((s) => s.spanContext().spanId));
  const bgRoots = new Set(
    background.filter((s) => !bgIds.has(s.parentSpanContext?.spanId ?? '')).map((s) => s.spanContext().spanId),
  );
  const after = treeRows(background, new Set([undefined]), true).filter(
    (r) => bgRoots.has(r.span.spanContext().spanId) || r.depth > 0,
  );
  const rows: Row[] = [{ span: request, depth: 0, background: false }, ...own];
  const status = Number(request.attributes['http.response.status_code'] ?? 0);
  const route = String(request.attributes['http.route'] ?? '');
  const method = String(request.attributes['http.request.method'] ?? '');

  const bar = (row: Row) => {
    const s = toMs(row.span.startTime);
    const e = toMs(row.span.endTime);
    const from = x(s);
    const width = Math.max(2, x(e) - from);
    const tone =
      row.span.status.code === 2 ? 'error' : row.background ? 'background' : row.depth === 0 ? 'request' : 'own';
    return (
      <svg class="wf-bar" viewBox={`0 0 ${WIDTH} 14`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class={`wf-rect ${tone}`} x={from.toFixed(1)} y="2" width={width.toFixed(1)} height="10" rx="2" />
        <line
          class="wf-marker"
          x1={marker.toFixed(1)}
          x2={marker.toFixed(1)}
          y1="0"
          y2="14"
          vector-effect="non-scaling-stroke"
        />
      </svg>
    );
  };

  const line = (row: Row) => (
    <tr class={row.background ? 'wf-after' : undefined}>
      <th scope="row" class={`wf-name depth-${Math.min(row.depth, 5)}`}>
        {row.span.name}
        {detail(row.span) ? <span class="wf-detail"> {detail(row.span)}</span> : null}
      </th>
      <td class="mono num">+{fmt(toMs(row.span.startTime) - start)}</td>
      <td class="mono num">{fmt(toMs(row.span.endTime) - toMs(row.span.startTime))}</td>
      <td class="wf-timeline">{bar(row)}</td>
    </tr>
  );

  return (
    <section class="card trace" aria-label={`${method} ${route}`}>
      <h2>
        <span class="mono">{method}</span> {route}{' '}
        <span class={`badge ${status >= 500 ? 'failed' : status >= 400 ? 'retrying' : 'sent'}`}>{status}</span>
      </h2>
      <p class="meta muted">
        {formatTimestamp(new Date(start))} · answered in {fmt(responded - start)} ms
        {after.length > 0 ? ` · background work until +${fmt(end - start)} ms` : ''} ·{' '}
        <span class="mono">trace {request.spanContext().traceId}</span>
      </p>
      <div class="table-wrap">
        <table class="waterfall">
          <thead>
            <tr>
              <th scope="col">Span</th>
              <th scope="col">Start (ms)</th>
              <th scope="col">Duration (ms)</th>
              <th scope="col">Timeline (the line: response sent)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(line)}
            <tr class="wf-response">
              <th scope="row" class="wf-name depth-0">
                response sent
              </th>
              <td class="mono num">+{fmt(responded - start)}</td>
              <td />
              <td />
            </tr>
            {after.length > 0 ? (
              <tr class="wf-section">
                <th scope="row" colspan={4}>
                  Background work caused by this request (linked traces)
                </th>
              </tr>
            ) : null}
            {after.map(line)}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function DevTracesPage(props: { site: Site; traces: RequestTrace[] }) {
  const count = props.traces.length;
  return (
    <Layout title="Dev traces" site={props.site} section="traces">
      <DevPageHead
        title="Dev traces"
        count={count}
        noun="request"
        empty="No request yet. Sign up on the sign-up page and its trace appears here."
      >
        The latest requests in this process (kept in memory while no <code>RESEND_API_KEY</code> is set), newest first,
        with the background work each caused.
      </DevPageHead>
      {props.traces.map((trace) => (
        <Waterfall trace={trace} />
      ))}
    </Layout>
  );
}
