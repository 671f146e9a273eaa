/** Median and 90th percentile (nearest rank) of a sample. */
export interface Summary {
  median: number;
  p90: number;
  min: number;
  max: number;
  runs: number;
}

function nearestRank(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, p90: nearestRank(sorted, 0.9), min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** `a / b`, rounded to 3 decimals; `undefined` when `b` is 0. */
export function ratio(a: number, b: number): number | undefined {
  return b === 0 ? undefined : Math.round((a / b) * 1000) / 1000;
}
