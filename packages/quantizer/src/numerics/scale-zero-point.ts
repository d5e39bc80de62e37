import { qRange, type QuantType } from './qtype.js';
import { roundHalfEven } from './round.js';

const FLOAT32_TINY = 1.1754943508222875e-38; // numpy.finfo(float32).tiny
const f32 = Math.fround;

export interface ScaleZeroPoint {
  /** float32-representable scale. */
  scale: number;
  /** integer zero point within [qmin, qmax]. */
  zeroPoint: number;
}

/**
 * ONNX Runtime's `compute_scale_zp`: widen [rmin, rmax] to include 0, optionally enforce a
 * minimum real range, symmetrize with ±absmax, then `scale = (rmax − rmin) / (qmax − qmin)` in
 * float64 stored as float32. `rmin`/`rmax` are float32 values and their difference is taken in
 * float32 first, exactly as numpy does with float32 scalars.
 */
export function computeScaleZeroPoint(
  rminIn: number,
  rmaxIn: number,
  qmin: number,
  qmax: number,
  symmetric = false,
  minRealRange?: number,
): ScaleZeroPoint {
  if (qmin > 0 || qmax < 0) throw new RangeError(`qmin and qmax must satisfy qmin <= 0 <= qmax (got ${qmin}, ${qmax})`);
  if (!Number.isFinite(rminIn) || !Number.isFinite(rmaxIn)) {
    throw new RangeError(`cannot quantize a non-finite range [${rminIn}, ${rmaxIn}]`);
  }
  let rmin = Math.min(f32(rminIn), 0);
  let rmax = Math.max(f32(rmaxIn), 0);
  if (minRealRange !== undefined) rmax = Math.max(rmax, f32(rmin + f32(minRealRange)));
  if (symmetric) {
    const absmax = Math.max(Math.abs(rmin), Math.abs(rmax));
    rmin = -absmax;
    rmax = absmax;
  }
  const dr = f32(rmax - rmin);
  const scale = dr / (qmax - qmin);
  if (scale < FLOAT32_TINY) return { scale: 1, zeroPoint: 0 };
  const zeroPoint = symmetric ? roundHalfEven((qmin + qmax) / 2) : roundHalfEven(qmin - rmin / scale);
  return { scale: f32(scale), zeroPoint };
}

/** Scale and zero point for a range under a quantization type and options. */
export function scaleZeroPointFor(
  rmin: number,
  rmax: number,
  type: QuantType,
  opts: { symmetric?: boolean; reduceRange?: boolean; minRealRange?: number } = {},
): ScaleZeroPoint {
  const [qmin, qmax] = qRange(type, opts.reduceRange ?? false, opts.symmetric ?? false);
  return computeScaleZeroPoint(rmin, rmax, qmin, qmax, opts.symmetric ?? false, opts.minRealRange);
}
