import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../format.js';
import type { ActivationRange } from '../report-data.js';
import { COLORS } from '../theme.js';

export interface ActivationRow {
  order: number;
  tensor: string;
  /** ranges divided by the tensor's largest magnitude, so every row spans at most [−1, 1]; null when not observed */
  observedLo: number | null;
  observedHi: number | null;
  chosenLo: number;
  chosenHi: number;
  text: string;
}

const OBSERVED = 'observed on calibration data';
const CHOSEN = 'chosen (quantization range)';

/** Normalize each tensor by its own largest magnitude: tensors differ by orders of magnitude. */
export function activationRows(ranges: readonly ActivationRange[], max: number): ActivationRow[] {
  return ranges.slice(0, max).map((r, i) => {
    const seen = r.observedMin !== undefined && r.observedMax !== undefined;
    const m = Math.max(Math.abs(r.observedMin ?? 0), Math.abs(r.observedMax ?? 0), Math.abs(r.chosenMin), Math.abs(r.chosenMax)) || 1;
    const chosen = `[${formatNumber(r.chosenMin, 3)}, ${formatNumber(r.chosenMax, 3)}]`;
    return {
      order: i,
      tensor: r.tensor,
      observedLo: seen ? r.observedMin! / m : null,
      observedHi: seen ? r.observedMax! / m : null,
      chosenLo: r.chosenMin / m,
      chosenHi: r.chosenMax / m,
      text: seen ? `${chosen} of [${formatNumber(r.observedMin!, 3)}, ${formatNumber(r.observedMax!, 3)}]` : chosen,
    };
  });
}

export function activationRangesSpec(rows: readonly ActivationRow[], total: number): TopLevelSpec {
  const anyNegative = rows.some((r) => (r.observedLo ?? 0) < 0 || r.chosenLo < 0);
  const anyObserved = rows.some((r) => r.observedLo !== null);
  const y = { field: 'tensor', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null };
  const x = {
    type: 'quantitative' as const,
    scale: { domain: [anyNegative ? -1 : 0, 1], nice: false },
    title: 'value ÷ largest magnitude of the tensor',
    axis: { tickCount: 5 },
  };
  const color = {
    type: 'nominal' as const,
    title: null,
    scale: anyObserved ? { domain: [OBSERVED, CHOSEN], range: [COLORS.neutral, COLORS.quantized] } : { domain: [CHOSEN], range: [COLORS.quantized] },
  };
  return {
    title: {
      text: 'Activation ranges chosen by calibration',
      subtitle: `${rows.length === total ? `all ${total}` : `first ${rows.length} of ${total}`} tensors · ${anyObserved ? 'grey: seen on calibration data, ' : ''}orange: what the quantization parameters cover (values outside are clipped)`,
    },
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: 420,
    height: { step: 18 },
    layer: [
      ...(anyObserved
        ? [
            {
              mark: { type: 'bar' as const, height: 14, cornerRadius: 2 },
              encoding: { y, x: { ...x, field: 'observedLo' }, x2: { field: 'observedHi' }, color: { ...color, datum: OBSERVED } },
            },
          ]
        : []),
      {
        mark: { type: 'bar', height: 6, cornerRadius: 1 },
        encoding: { y, x: { ...x, field: 'chosenLo' }, x2: { field: 'chosenHi' }, color: { ...color, datum: CHOSEN } },
      },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 6, fontSize: 10, color: COLORS.muted },
        encoding: { y, x: { datum: 1, type: 'quantitative' as const, scale: x.scale }, text: { field: 'text' } },
      },
    ],
  };
}
