import { describe, expect, it } from 'vitest';
import { adjustWeightScaleForInt32Bias, quantizeBias } from './bias.js';
import { quantizeValues } from './quantize-values.js';
import { roundHalfEven } from './round.js';
import { dequantizeWeight, perChannelAxis, quantizeWeight } from './weight.js';

function rand(n: number, seed = 1): Float32Array {
  let s = seed;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    a[i] = (s / 0x7fffffff) * 2 - 1;
  }
  return a;
}

describe('quantizeValues', () => {
  it('divides in float32, rounds half to even, adds zp and clips to the type range', () => {
    const q = quantizeValues(Float32Array.of(0.25, 0.75, -10, 10, 1.25), 'int8', 0.5, 0);
    expect(Array.from(q)).toEqual([0, 2, -20, 20, 2]);
    const u = quantizeValues(Float32Array.of(-100, 100, 0), 'uint8', 0.5, 10);
    expect(Array.from(u)).toEqual([0, 210, 10]);
    const full = quantizeValues(Float32Array.of(-1000), 'int8', 1, 0);
    expect(full[0]).toBe(-128); // clipping uses the full range, not the symmetric one
  });
});

describe('quantizeWeight', () => {
  it('per-channel axis 0 computes one symmetric scale per output channel', () => {
    const w = rand(6 * 5);
    const q = quantizeWeight(w, [6, 5], 'int8', { symmetric: true, axis: 0 });
    for (let c = 0; c < 6; c++) {
      const row = w.subarray(c * 5, c * 5 + 5);
      const absmax = Math.max(...Array.from(row, Math.abs), 0);
      expect(q.scales[c]).toBe(Math.fround(Math.fround(2 * absmax) / 254));
      expect(q.zeroPoints[c]).toBe(0);
      for (let i = 0; i < 5; i++) expect(q.data[c * 5 + i]).toBe(roundHalfEven(Math.fround(row[i] / q.scales[c])));
    }
  });

  it('per-channel axis 1 strides over the outer dimension', () => {
    const w = rand(4 * 3 * 2, 7);
    const q = quantizeWeight(w, [4, 3, 2], 'uint8', { symmetric: false, axis: 1 });
    expect(q.scales.length).toBe(3);
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      for (let o = 0; o < 4; o++) for (let i = 0; i < 2; i++) vals.push(w[(o * 3 + c) * 2 + i]);
      const lo = Math.min(0, ...vals);
      const hi = Math.max(0, ...vals);
      const scale = Math.fround(hi - lo) / 255;
      expect(q.scales[c]).toBe(Math.fround(scale));
      expect(q.zeroPoints[c]).toBe(roundHalfEven(-lo / scale));
    }
    const back = dequantizeWeight(q);
    for (let i = 0; i < w.length; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(q.scales[Math.floor(i / 2) % 3] / 2 + 1e-7);
  });

  it('per-tensor asymmetric matches the formula', () => {
    const w = Float32Array.of(-0.3, 0.1, 0.9);
    const q = quantizeWeight(w, [3], 'uint8', { symmetric: false });
    const scale = Math.fround(0.9) - Math.fround(-0.3);
    expect(q.scales[0]).toBe(Math.fround(Math.fround(scale) / 255));
  });

  it('per-channel axes follow ONNX Runtime', () => {
    expect(perChannelAxis('Conv')).toBe(0);
    expect(perChannelAxis('ConvTranspose')).toBe(1);
    expect(perChannelAxis('Gemm', { transB: 1 })).toBe(0);
    expect(perChannelAxis('Gemm', { transB: 0 })).toBe(1);
    expect(perChannelAxis('MatMul')).toBe(1);
  });
});

describe('int32 bias', () => {
  it('scale = f32(inputScale × weightScale), values rounded in float64', () => {
    const b = quantizeBias(Float32Array.of(0.5, -0.25), 0.1, Float32Array.of(0.01, 0.02));
    const f = Math.fround;
    expect(b.scales[0]).toBe(f(f(0.1) * f(0.01)));
    expect(b.data[0]).toBe(roundHalfEven(0.5 / f(f(0.1) * f(0.01))));
    expect(b.data[1]).toBe(roundHalfEven(-0.25 / f(f(0.1) * f(0.02))));
  });

  it('clips to int32 when the scale is tiny', () => {
    const b = quantizeBias(Float32Array.of(1e3), 1e-6, Float32Array.of(1e-6));
    expect(b.data[0]).toBe(2147483647);
  });

  it('the underflow guard raises the weight scale so the bias fits int32', () => {
    const bias = Float32Array.of(1e3, 1e-4);
    const { changed, scales } = adjustWeightScaleForInt32Bias(1e-6, Float32Array.of(1e-6, 1e-6), bias);
    expect(changed).toBe(true);
    const b = quantizeBias(bias, 1e-6, scales);
    expect(b.data[0]).toBeLessThan(2147483647);
    expect(b.data[0]).toBeGreaterThan(2147483647 * 0.99);
    expect(scales[1]).toBe(Math.fround(1e-6)); // channel 1 fits already
    const ok = adjustWeightScaleForInt32Bias(0.1, Float32Array.of(0.01), Float32Array.of(3));
    expect(ok.changed).toBe(false);
  });
});
