import type { TopLevelSpec } from 'vega-lite';
import type { TuningRun } from '../report-data.js';
import { COLORS } from '../theme.js';

/** The metric the tuning had to stay within: float − drop (or + drop when lower is better). */
export function tuningTarget(t: TuningRun): number {
  return t.higherIsBetter ? t.floatMetric - t.targetDrop : t.floatMetric + t.targetDrop;
}

export function meetsTarget(t: TuningRun, metric: number): boolean {
  return t.higherIsBetter ? metric >= tuningTarget(t) : metric <= tuningTarget(t);
}

export function tuningSpec(t: TuningRun): TopLevelSpec {
  const target = tuningTarget(t);
  const rows = t.steps.map((s) => ({
    step: s.step,
    metric: s.metric,
    inFloat: s.keptFloat.length,
    status: meetsTarget(t, s.metric) ? 'within target' : 'misses target',
  }));
  const values = [...rows.map((r) => r.metric), t.floatMetric, target];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.15;
  const format = t.isFraction ? '.1%' : '~g';
  const y = {
    type: 'quantitative' as const,
    scale: { domain: [lo - pad, hi + pad], zero: false, nice: false },
    axis: { format },
  };
  const x = {
    field: 'step',
    type: 'quantitative' as const,
    title: 'step (layers kept in float grows →)',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { domain: [Math.min(...rows.map((r) => r.step)) - 0.3, Math.max(...rows.map((r) => r.step)) + 0.3], nice: false },
  };
  const ruleLabel = (text: string) => ({
    mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dy: -2, x: 'width' as const, fontSize: 10, color: COLORS.muted },
    encoding: { y: { ...y, field: 'v' }, text: { value: text } },
  });
  return {
    title: {
      text: 'Accuracy-driven tuning',
      subtitle: `${t.metric} per step · target: at most ${t.isFraction ? `${(t.targetDrop * 100).toFixed(2)} pt` : t.targetDrop} ${t.higherIsBetter ? 'below' : 'above'} float · numbers: layers kept in float`,
    },
    width: 520,
    height: 220,
    layer: [
      {
        data: { values: [{ v: t.floatMetric }] },
        layer: [
          { mark: { type: 'rule', color: COLORS.float, strokeDash: [6, 4] }, encoding: { y: { ...y, field: 'v' } } },
          ruleLabel('float model'),
        ],
      },
      {
        data: { values: [{ v: target }] },
        layer: [
          { mark: { type: 'rule', color: COLORS.poor, strokeDash: [2, 3] }, encoding: { y: { ...y, field: 'v' } } },
          ruleLabel('target'),
        ],
      },
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'line', color: COLORS.quantized, strokeWidth: 2 },
            encoding: { x, y: { ...y, field: 'metric', title: t.metric } },
          },
          {
            mark: { type: 'point', filled: true, size: 70, strokeWidth: 0 },
            encoding: {
              x,
              y: { ...y, field: 'metric' },
              color: {
                field: 'status',
                type: 'nominal',
                title: null,
                scale: { domain: ['within target', 'misses target'], range: [COLORS.good, COLORS.poor] },
              },
            },
          },
          {
            mark: { type: 'text' as const, dy: -12, fontSize: 10, color: COLORS.muted },
            encoding: { x, y: { ...y, field: 'metric' }, text: { field: 'inFloat', type: 'quantitative', format: 'd' } },
          },
        ],
      },
    ],
  };
}
