import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../format.js';
import { outputStats, type OutputStats } from '../output-stats.js';
import type { OutputComparison } from '../report-data.js';
import { subsampleIndices } from '../subsample.js';
import { COLORS } from '../theme.js';

export interface ScatterData {
  points: { f: number; q: number }[];
  stats: OutputStats;
  /** [lo, hi] shared by both axes */
  domain: [number, number];
}

export function scatterData(o: OutputComparison, maxPoints: number): ScatterData {
  const stats = outputStats(o.float, o.quantized);
  const points = subsampleIndices(stats.count, maxPoints)
    .map((i) => ({ f: o.float[i]!, q: o.quantized[i]! }))
    .filter((p) => Number.isFinite(p.f) && Number.isFinite(p.q));
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.f, p.q);
    hi = Math.max(hi, p.f, p.q);
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  return { points, stats, domain: [lo, hi] };
}

export function outputScatterSpec(name: string, d: ScatterData): TopLevelSpec {
  const scale = { domain: d.domain, nice: true, zero: false };
  const shown = d.points.length === d.stats.count ? `${d.stats.count} values` : `${d.points.length} of ${d.stats.count} values`;
  return {
    title: {
      text: name,
      subtitle: `${shown} · SQNR ${formatNumber(d.stats.sqnrDb, 3)} dB · max |error| ${formatNumber(d.stats.maxAbsError, 3)}`,
    },
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ v: d.domain[0] }, { v: d.domain[1] }] },
        mark: { type: 'line', color: COLORS.float, strokeDash: [5, 4], strokeWidth: 1.5 },
        encoding: {
          x: { field: 'v', type: 'quantitative', scale },
          y: { field: 'v', type: 'quantitative', scale },
        },
      },
      {
        data: { values: d.points },
        mark: { type: 'circle', aria: false, size: 14, color: COLORS.quantized, opacity: 0.55 },
        encoding: {
          x: { field: 'f', type: 'quantitative', scale, title: 'float model output' },
          y: { field: 'q', type: 'quantitative', scale, title: 'quantized model output' },
        },
      },
    ],
  };
}
