import type { QuantGrid } from './report-data.js';

export interface Histogram {
  /** ascending, `counts.length + 1` long */
  edges: number[];
  counts: number[];
}

/**
 * Equal-width bins over the finite values' [min, max]; the last bin includes max. Non-finite
 * values are skipped (and counted in `skipped`). All-equal values get one bin around the value.
 */
export function binValues(values: ArrayLike<number>, bins: number): Histogram & { skipped: number } {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  let skipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      skipped++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { edges: [], counts: [], skipped };
  if (lo === hi) {
    const half = lo === 0 ? 0.5 : Math.abs(lo) / 2;
    lo -= half;
    hi += half;
    bins = 1;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  return { edges, counts, skipped };
}

/** The float interval the grid can represent: [dequant(qmin), dequant(qmax)]. */
export function gridRange(grid: QuantGrid): [number, number] {
  return [(grid.qmin - grid.zeroPoint) * grid.scale, (grid.qmax - grid.zeroPoint) * grid.scale];
}

/** Every representable value (q − zeroPoint) · scale for q in [qmin, qmax], ascending. */
export function gridLevels(grid: QuantGrid): number[] {
  const out: number[] = [];
  for (let q = grid.qmin; q <= grid.qmax; q++) out.push((q - grid.zeroPoint) * grid.scale);
  return out;
}

/** Fraction of finite values outside the grid's range (they get clipped). */
export function clippedFraction(values: ArrayLike<number>, grid: QuantGrid): number {
  const [lo, hi] = gridRange(grid);
  // values within half a step of the ends still round onto the end levels
  const half = grid.scale / 2;
  let n = 0;
  let out = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < lo - half || v > hi + half) out++;
  }
  return n === 0 ? 0 : out / n;
}
