// The quantization an int8 runtime needs, in a few lines: symmetric per-column int8 weights,
// asymmetric per-tensor uint8 activations (ranges calibrated on sample inputs), int32 biases.
import type { Mlp } from './float-mlp.js';
import { runFloat } from './float-mlp.js';

/** Per-tensor uint8 parameters: x ≈ scale · (q − zeroPoint). */
export interface U8Params {
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface QuantizedLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Int8Array;
  /** One scale per output column (weights are symmetric: zero point 0). */
  readonly weightScales: Float32Array;
  /** bias / (inputScale · weightScale[n]), rounded: added to the int32 accumulator. */
  readonly bias: Int32Array;
  readonly input: U8Params;
  readonly output: U8Params;
  readonly relu: boolean;
}

export interface QuantizedMlp {
  readonly layers: readonly QuantizedLayer[];
}

/** uint8 parameters covering [min, max] (widened to include 0 so that 0 is exact, as ONNX requires). */
export function u8Params(min: number, max: number): U8Params {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1);
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

function range(x: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Quantizes `mlp`, calibrating every activation's range on `calibration` rows. */
export function quantizeMlp(mlp: Mlp, calibration: Float32Array, rows: number): QuantizedMlp {
  const outs = runFloat(mlp, calibration, rows);
  let input = u8Params(...range(calibration));
  const layers = mlp.layers.map((layer, l): QuantizedLayer => {
    const { inputs, outputs } = layer;
    const weights = new Int8Array(inputs * outputs);
    const weightScales = new Float32Array(outputs);
    const bias = new Int32Array(outputs);
    for (let n = 0; n < outputs; n++) {
      let absMax = 0;
      for (let k = 0; k < inputs; k++) absMax = Math.max(absMax, Math.abs(layer.weights[k * outputs + n]));
      const s = Math.fround(absMax > 0 ? absMax / 127 : 1);
      weightScales[n] = s;
      for (let k = 0; k < inputs; k++) weights[k * outputs + n] = Math.max(-127, Math.min(127, Math.round(layer.weights[k * outputs + n] / s)));
      bias[n] = Math.round(layer.bias[n] / (input.scale * s));
    }
    const output = u8Params(...range(outs[l]));
    const q: QuantizedLayer = { inputs, outputs, weights, weightScales, bias, input, output, relu: layer.relu };
    input = output;
    return q;
  });
  return { layers };
}
