import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../format.js';
import { qualityBand, rankLayers, type QualityBand } from '../rank-layers.js';
import type { LayerError } from '../report-data.js';
import { COLORS } from '../theme.js';

export interface LayerErrorRow {
  rank: number;
  /** unique axis label: "rank. name" (+ " [float]") */
  label: string;
  name: string;
  /** plotted SQNR: infinite values are drawn at `cap` */
  sqnr: number;
  sqnrText: string;
  cosine: number;
  band: QualityBand;
}

const BAND_LABEL: Record<QualityBand, string> = { poor: '< 20 dB', fair: '20–30 dB', good: '≥ 30 dB' };

/** The `max` worst layers as chart rows, worst first. */
export function layerErrorRows(layers: readonly LayerError[], max: number): LayerErrorRow[] {
  const ranked = rankLayers(layers).slice(0, max);
  const finite = ranked.map((l) => l.sqnrDb).filter(Number.isFinite);
  const cap = finite.length ? Math.max(...finite) + 10 : 100;
  return ranked.map((l, i) => ({
    rank: i + 1,
    label: `${i + 1}. ${l.name}${l.keptFloat ? ' [float]' : ''}`,
    name: l.name,
    sqnr: Number.isFinite(l.sqnrDb) ? l.sqnrDb : Number.isNaN(l.sqnrDb) ? 0 : l.sqnrDb > 0 ? cap : 0,
    sqnrText: `${formatNumber(l.sqnrDb, 3)} dB`,
    cosine: Number.isNaN(l.cosine) ? -1 : l.cosine,
    band: qualityBand(l.sqnrDb),
  }));
}

export function layerErrorSpec(rows: readonly LayerErrorRow[], total: number): TopLevelSpec {
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: { field: 'rank', op: 'min' as const, order: 'ascending' as const },
    title: null,
  };
  const color = {
    field: 'band',
    type: 'nominal' as const,
    title: 'SQNR',
    scale: { domain: ['poor', 'fair', 'good'], range: [COLORS.poor, COLORS.fair, COLORS.good] },
    legend: { labelExpr: `{poor: '${BAND_LABEL.poor}', fair: '${BAND_LABEL.fair}', good: '${BAND_LABEL.good}'}[datum.label]` },
  };
  const minCos = Math.min(...rows.map((r) => r.cosine));
  // cosines cluster near 1: start the axis just below the smallest one so differences show
  const cosLo = Math.max(-1, Math.floor((minCos - (1 - minCos) * 0.2) * 1000) / 1000);
  const step = 18;
  return {
    title: {
      text: 'Per-layer error, worst first',
      subtitle: `${rows.length === total ? `all ${total}` : `${rows.length} worst of ${total}`} layers · float vs quantized activations on the same inputs`,
    },
    data: { values: rows as unknown as Record<string, unknown>[] },
    hconcat: [
      {
        width: 300,
        height: { step },
        layer: [
          {
            mark: { type: 'bar', cornerRadiusEnd: 2 },
            encoding: {
              y,
              x: { field: 'sqnr', type: 'quantitative', title: 'SQNR (dB), higher is better', scale: { zero: true } },
              color,
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: COLORS.muted },
            encoding: { y, x: { field: 'sqnr', type: 'quantitative' }, text: { field: 'sqnrText' } },
          },
        ],
      },
      {
        width: 220,
        height: { step },
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          y: { ...y, axis: null },
          x: {
            field: 'cosine',
            type: 'quantitative',
            title: 'cosine similarity',
            scale: { domain: [cosLo, 1], zero: false, clamp: true },
            axis: { tickCount: 4 },
          },
          color,
        },
      },
    ],
    resolve: { scale: { color: 'shared' } },
  };
}
