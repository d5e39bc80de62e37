import type { TopLevelSpec } from 'vega-lite';
import { formatNumber, formatPercent } from '../format.js';
import { binValues, clippedFraction, gridLevels, gridRange, type Histogram } from '../histogram.js';
import type { WeightDistribution } from '../report-data.js';
import { COLORS } from '../theme.js';

/** Above this many levels the grid is a solid band at chart width; draw only its ends. */
export const MAX_DRAWN_LEVELS = 512;

export interface WeightHistogramData {
  histogram: Histogram;
  levels: number[];
  range: [number, number];
  /** share of weights outside the grid, when raw values were given */
  clipped?: number;
}

export function weightHistogramData(w: WeightDistribution, bins: number): WeightHistogramData {
  const histogram = w.values
    ? binValues(w.values, bins)
    : { edges: Array.from(w.histogram!.edges), counts: Array.from(w.histogram!.counts) };
  const levelCount = w.grid.qmax - w.grid.qmin + 1;
  return {
    histogram,
    levels: levelCount <= MAX_DRAWN_LEVELS ? gridLevels(w.grid) : [],
    range: gridRange(w.grid),
    clipped: w.values ? clippedFraction(w.values, w.grid) : undefined,
  };
}

export function weightHistogramSpec(w: WeightDistribution, d: WeightHistogramData): TopLevelSpec {
  const { edges, counts } = d.histogram;
  const bars = counts.map((count, i) => ({ lo: edges[i]!, hi: edges[i + 1]!, count }));
  const [lo, hi] = d.range;
  const levels = w.grid.qmax - w.grid.qmin + 1;
  const dataLo = edges.length ? edges[0]! : lo;
  const dataHi = edges.length ? edges[edges.length - 1]! : hi;
  const pad = (Math.max(hi, dataHi) - Math.min(lo, dataLo)) * 0.03;
  const domain = [Math.min(lo, dataLo) - pad, Math.max(hi, dataHi) + pad];
  const height = 150;
  const parts = [
    w.type,
    `scale ${formatNumber(w.grid.scale, 3)}`,
    `zero point ${w.grid.zeroPoint}`,
    `${levels} levels${d.levels.length ? '' : ' (too dense to draw)'}`,
    d.clipped !== undefined ? `${formatPercent(d.clipped)} clipped` : undefined,
  ].filter(Boolean);
  const x = { type: 'quantitative' as const, scale: { domain, nice: false, zero: false } };
  return {
    title: {
      text: `${w.layer}${w.channel !== undefined ? ` (channel ${w.channel})` : ''}`,
      subtitle: parts.join(' · '),
    },
    width: 400,
    height,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'rect', aria: false, color: COLORS.float, opacity: 0.85 },
        encoding: {
          x: { ...x, field: 'lo', title: `weight value${w.tensor ? ` (${w.tensor})` : ''}`, axis: { offset: 14 } },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: 'count' },
          y2: { datum: 0 },
        },
      },
      {
        // the grid: one short tick per representable value, in a strip between the bars and the axis
        data: { values: d.levels.map((v) => ({ v })) },
        mark: { type: 'rule', aria: false, color: COLORS.quantized, strokeWidth: 0.8 },
        encoding: { x: { ...x, field: 'v' }, y: { value: height + 3 }, y2: { value: height + 11 } },
      },
      {
        data: {
          values: [
            { v: lo, label: `qmin ${w.grid.qmin} → ${formatNumber(lo, 3)}`, align: 'left' },
            { v: hi, label: `qmax ${w.grid.qmax} → ${formatNumber(hi, 3)}`, align: 'right' },
          ],
        },
        layer: [
          {
            mark: { type: 'rule', color: COLORS.quantized, strokeDash: [4, 3], strokeWidth: 1.5 },
            encoding: { x: { ...x, field: 'v' } },
          },
          ...(['right', 'left'] as const).map((align) => ({
            transform: [{ filter: `datum.align === '${align}'` }],
            mark: { type: 'text' as const, baseline: 'top' as const, y: 2, fontSize: 10, color: COLORS.ink, align, dx: align === 'left' ? 4 : -4 },
            encoding: { x: { ...x, field: 'v' }, text: { field: 'label' } },
          })),
        ],
      },
    ],
  };
}
