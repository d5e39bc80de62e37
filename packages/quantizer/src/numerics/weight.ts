import { qRange, type QuantType } from './qtype.js';
import { allocQuant, minMax, quantizeValues, type QuantArray } from './quantize-values.js';
import { computeScaleZeroPoint } from './scale-zero-point.js';

export interface WeightQuantOptions {
  symmetric: boolean;
  reduceRange?: boolean;
  minRealRange?: number;
  /** Per-channel axis; undefined = per-tensor. */
  axis?: number;
}

export interface QuantizedWeight {
  type: QuantType;
  dims: number[];
  data: QuantArray;
  /** One per channel (length 1 when per-tensor). */
  scales: Float32Array;
  zeroPoints: Int32Array;
  axis?: number;
}

/** Strided view helpers for one channel along `axis` of a row-major tensor. */
function channelGeometry(dims: number[], axis: number) {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, channels, inner };
}

/**
 * Quantize a float weight per tensor or per channel exactly like ONNX Runtime's
 * `quantize_data`/`quantize_weight_per_channel_impl`: each channel's float32 min/max →
 * `compute_scale_zp` → `quantize_nparray`.
 */
export function quantizeWeight(
  data: Float32Array,
  dims: number[],
  type: QuantType,
  opts: WeightQuantOptions,
): QuantizedWeight {
  const [qmin, qmax] = qRange(type, opts.reduceRange ?? false, opts.symmetric);
  if (opts.axis === undefined) {
    const [lo, hi] = minMax(data);
    const { scale, zeroPoint } = computeScaleZeroPoint(lo, hi, qmin, qmax, opts.symmetric, opts.minRealRange);
    return {
      type,
      dims,
      data: quantizeValues(data, type, scale, zeroPoint),
      scales: Float32Array.of(scale),
      zeroPoints: Int32Array.of(zeroPoint),
    };
  }
  const axis = opts.axis < 0 ? opts.axis + dims.length : opts.axis;
  if (axis < 0 || axis >= dims.length) throw new RangeError(`per-channel axis ${opts.axis} out of range for rank ${dims.length}`);
  const { outer, channels, inner } = channelGeometry(dims, axis);
  const scales = new Float32Array(channels);
  const zeroPoints = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      const [a, b] = minMax(data, base, base + inner);
      if (inner > 0) {
        if (a < lo) lo = a;
        if (b > hi) hi = b;
      }
    }
    if (lo === Infinity) lo = hi = 0;
    const szp = computeScaleZeroPoint(lo, hi, qmin, qmax, opts.symmetric, opts.minRealRange);
    scales[c] = szp.scale;
    zeroPoints[c] = szp.zeroPoint;
  }
  const out = requantizeWithParams(data, dims, type, scales, zeroPoints, axis);
  return { type, dims, data: out, scales, zeroPoints, axis };
}

/** Quantize with given per-channel (or per-tensor, length 1) parameters. */
export function requantizeWithParams(
  data: Float32Array,
  dims: number[],
  type: QuantType,
  scales: Float32Array,
  zeroPoints: Int32Array,
  axis?: number,
): QuantArray {
  const out = allocQuant(type, data.length);
  if (axis === undefined) {
    return quantizeValues(data, type, scales[0], zeroPoints[0], out);
  }
  const { outer, channels, inner } = channelGeometry(dims, axis);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      quantizeValues(data.subarray(base, base + inner), type, scales[c], zeroPoints[c], out, base);
    }
  }
  return out;
}

/** Dequantize (for error measurement and tests). */
export function dequantizeWeight(w: QuantizedWeight): Float32Array {
  const out = new Float32Array(w.data.length);
  if (w.axis === undefined) {
    for (let i = 0; i < out.length; i++) out[i] = (w.data[i] - w.zeroPoints[0]) * w.scales[0];
    return out;
  }
  const { outer, channels, inner } = channelGeometry(w.dims, w.axis);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = (w.data[base + i] - w.zeroPoints[c]) * w.scales[c];
    }
  return out;
}

/** Per-channel axis ONNX Runtime uses for a weight consumed by `opType`. */
export function perChannelAxis(opType: string, attrs: { transB?: number } = {}): number {
  switch (opType) {
    case 'Conv':
      return 0;
    case 'ConvTranspose':
      return 1;
    case 'Gemm':
      return attrs.transB ? 0 : 1;
    case 'MatMul':
      return 1;
    default:
      return 0;
  }
}
