import { roundHalfEven } from './round.js';

const f32 = Math.fround;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export interface QuantizedBias {
  data: Int32Array;
  /** float32 bias scales: inputScale × weightScale (one per channel, or one). */
  scales: Float32Array;
}

/**
 * int32 bias as ONNX Runtime's `quantize_bias_static_impl`: scale = f32(inputScale × weightScale),
 * values = clip(round_half_even(f64(bias) / f64(scale)), int32).
 */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): QuantizedBias {
  const perChannel = weightScales.length > 1;
  const scales = new Float32Array(perChannel ? weightScales.length : 1);
  for (let i = 0; i < scales.length; i++) scales[i] = f32(f32(inputScale) * weightScales[i]);
  const data = new Int32Array(bias.length);
  for (let i = 0; i < bias.length; i++) {
    const s = perChannel ? scales[i] : scales[0];
    let q = s === 0 ? 0 : roundHalfEven(bias[i] / s);
    if (q < INT32_MIN) q = INT32_MIN;
    else if (q > INT32_MAX) q = INT32_MAX;
    data[i] = q;
  }
  return { data, scales };
}

/**
 * ONNX Runtime's guard against an int32 bias scale that underflows: when
 * inputScale × weightScale is smaller than the smallest scale that keeps the bias inside int32
 * (with a 1.0001 margin), the weight scale is raised by the missing ratio. Returns the new weight
 * scales (a copy) and whether any changed; the caller re-quantizes the weight with them.
 */
export function adjustWeightScaleForInt32Bias(
  inputScale: number,
  weightScales: Float32Array,
  bias: Float32Array,
): { changed: boolean; scales: Float32Array } {
  const scales = Float32Array.from(weightScales);
  const eps = 1.0001;
  const qrange = INT32_MAX - (INT32_MIN + 1);
  let changed = false;
  if (scales.length === 1) {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < bias.length; i++) {
      if (bias[i] < lo) lo = bias[i];
      if (bias[i] > hi) hi = bias[i];
    }
    const absmax = Math.max(Math.abs(lo), Math.abs(hi));
    const smallest = (eps * (2 * absmax)) / qrange;
    const candidate = inputScale * scales[0];
    if (candidate < smallest && candidate > 0) {
      scales[0] = f32(scales[0] * (smallest / candidate));
      changed = true;
    }
  } else {
    for (let i = 0; i < scales.length; i++) {
      const smallest = (eps * (2 * Math.abs(bias[i]))) / qrange;
      const candidate = inputScale * scales[i];
      if (candidate < smallest && candidate > 0) {
        scales[i] = f32(scales[i] * (smallest / candidate));
        changed = true;
      }
    }
  }
  return { changed, scales };
}
