// Small statistics and number formatting shared by the benchmarks.

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? mean : Number.NaN,
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** Milliseconds with one decimal, or an en dash when there is no value. */
export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
export const round2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
export const roundSummary = (s: Summary) => ({
  n: s.n,
  p50: round2(s.p50),
  p95: round2(s.p95),
  p99: round2(s.p99),
  mean: round2(s.mean),
  max: round2(s.max),
});
