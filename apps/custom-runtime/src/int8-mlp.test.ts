import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKernels, type Kernels } from '@octet/kernels';
import { argmaxRows, buildMlp, randomInputs, runFloat } from './float-mlp.js';
import { quantizeMlp, type QuantizedMlp } from './quantize.js';
import { createInt8Mlp } from './int8-mlp.js';

const sizes = [32, 64, 64, 10];
const rows = 500;
const mlp = buildMlp(sizes);
const calibration = randomInputs(2000, sizes[0], 1);
const test = randomInputs(rows, sizes[0], 2);
const yFloat = runFloat(mlp, test, rows).at(-1)!;

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels();
});
afterAll(() => k?.dispose());

function compare(q: QuantizedMlp) {
  const int8 = createInt8Mlp(k, q);
  try {
    const y = int8.run(test, rows);
    let maxErr = 0;
    let sq = 0;
    for (let i = 0; i < y.length; i++) {
      const d = y[i] - yFloat[i];
      maxErr = Math.max(maxErr, Math.abs(d));
      sq += d * d;
    }
    const a = argmaxRows(y, rows, sizes.at(-1)!);
    const b = argmaxRows(yFloat, rows, sizes.at(-1)!);
    const agreement = a.reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0) / rows;
    return { y, maxErr, rmse: Math.sqrt(sq / y.length), agreement };
  } finally {
    int8.dispose();
  }
}

describe('custom runtime: int8 MLP on @octet/kernels', () => {
  it('matches the float reference within the quantization error, and the argmax agrees', () => {
    const q = quantizeMlp(mlp, calibration, 2000);
    const outStep = q.layers.at(-1)!.output.scale;
    const { y, maxErr, rmse, agreement } = compare(q);
    expect(y.length).toBe(rows * sizes.at(-1)!);
    expect(y.every(Number.isFinite)).toBe(true);
    // Rounding of uint8 activations at each of three layers plus int8 weights: the typical error
    // stays under one output step and the worst case a few steps (test rows can fall slightly
    // outside the calibrated ranges and clip).
    expect(rmse).toBeLessThan(outStep);
    expect(maxErr).toBeLessThan(4 * outStep);
    expect(agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('notices a broken quantization (bias dropped): the same checks fail', () => {
    const q = quantizeMlp(mlp, calibration, 2000);
    const broken: QuantizedMlp = { layers: q.layers.map((l) => ({ ...l, bias: new Int32Array(l.outputs) })) };
    const { rmse } = compare(broken);
    expect(rmse).toBeGreaterThan(q.layers.at(-1)!.output.scale);
  });

  it('runs one row the same as in a batch (GEMV and GEMM kernels agree)', () => {
    const q = quantizeMlp(mlp, calibration, 2000);
    const int8 = createInt8Mlp(k, q);
    try {
      const all = int8.run(test.subarray(0, 8 * sizes[0]), 8);
      for (let r = 0; r < 8; r++) {
        const one = int8.run(test.subarray(r * sizes[0], (r + 1) * sizes[0]), 1);
        expect(Array.from(one)).toEqual(Array.from(all.subarray(r * 10, (r + 1) * 10)));
      }
    } finally {
      int8.dispose();
    }
  });

  it('rejects an input of the wrong size', () => {
    const int8 = createInt8Mlp(k, quantizeMlp(mlp, calibration, 2000));
    expect(() => int8.run(new Float32Array(5), 1)).toThrow(/expected 1×32 inputs/);
    int8.dispose();
  });
});
