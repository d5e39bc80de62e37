import { describe, expect, it } from 'vitest';
import { qRange } from './qtype.js';
import { roundHalfEven } from './round.js';
import { computeScaleZeroPoint, scaleZeroPointFor } from './scale-zero-point.js';

describe('roundHalfEven', () => {
  it('rounds exact halves to the even neighbour like numpy.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.7].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 2, 3, -4]);
  });
});

describe('qRange', () => {
  it('matches ONNX Runtime tables (full, symmetric, reduced)', () => {
    expect(qRange('uint8')).toEqual([0, 255]);
    expect(qRange('int8')).toEqual([-128, 127]);
    expect(qRange('int8', false, true)).toEqual([-127, 127]);
    expect(qRange('uint8', false, true)).toEqual([0, 254]);
    expect(qRange('int16', false, true)).toEqual([-32767, 32767]);
    expect(qRange('int4', false, true)).toEqual([-8, 7]); // no symmetric table entry for 4-bit
    expect(qRange('int8', true, true)).toEqual([-64, 64]);
    expect(qRange('uint8', true)).toEqual([0, 127]);
    expect(qRange('uint4', true)).toEqual([0, 7]);
  });
});

describe('computeScaleZeroPoint', () => {
  it('asymmetric uint8: [-1, 3] → scale 4/255, zp round(63.75) = 64', () => {
    const r = computeScaleZeroPoint(-1, 3, 0, 255);
    expect(r.scale).toBe(Math.fround(4 / 255));
    expect(r.zeroPoint).toBe(64);
  });

  it('widens the range to include zero', () => {
    const r = computeScaleZeroPoint(2, 5, 0, 255);
    expect(r.scale).toBe(Math.fround(5 / 255));
    expect(r.zeroPoint).toBe(0);
    const n = computeScaleZeroPoint(-6, -2, 0, 255);
    expect(n.zeroPoint).toBe(255);
  });

  it('symmetric int8 uses ±absmax over −127..127 and zero point 0', () => {
    const r = scaleZeroPointFor(-0.5, 2.54, 'int8', { symmetric: true });
    expect(r.scale).toBe(Math.fround(Math.fround(2 * Math.fround(2.54)) / 254));
    expect(r.zeroPoint).toBe(0);
  });

  it('symmetric uint8 zero point is round-half-even(127.5) = 128', () => {
    expect(scaleZeroPointFor(-1, 1, 'uint8', { symmetric: true }).zeroPoint).toBe(127);
    // qRange symmetric uint8 is 0..254 → (0+254)/2 = 127; full range case via direct call:
    expect(computeScaleZeroPoint(-1, 1, 0, 255, true).zeroPoint).toBe(128);
  });

  it('takes rmax − rmin in float32 before widening to float64', () => {
    const rmin = Math.fround(-0.1);
    const rmax = Math.fround(0.7);
    const r = computeScaleZeroPoint(rmin, rmax, 0, 255);
    const dr = Math.fround(rmax - rmin); // float32 subtraction
    expect(r.scale).toBe(Math.fround(dr / 255));
    expect(r.zeroPoint).toBe(roundHalfEven(0 - rmin / (dr / 255)));
  });

  it('a zero range gives scale 1 and zero point 0', () => {
    expect(computeScaleZeroPoint(0, 0, 0, 255)).toEqual({ scale: 1, zeroPoint: 0 });
    expect(computeScaleZeroPoint(0, 0, -127, 127, true)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('enforces a minimum real range', () => {
    const r = computeScaleZeroPoint(0, 1e-6, 0, 255, false, 0.01);
    expect(r.scale).toBe(Math.fround(Math.fround(0.01) / 255));
  });

  it('reduce-range int8 symmetric uses −64..64', () => {
    const r = scaleZeroPointFor(-1, 1, 'int8', { symmetric: true, reduceRange: true });
    expect(r.scale).toBe(Math.fround(2 / 128));
  });

  it('int4 / uint4 / int16 / uint16 ranges', () => {
    expect(scaleZeroPointFor(-1, 1, 'int4', { symmetric: true }).scale).toBe(Math.fround(2 / 15));
    expect(scaleZeroPointFor(0, 15, 'uint4').scale).toBe(1);
    expect(scaleZeroPointFor(-1, 1, 'int16', { symmetric: true }).scale).toBe(Math.fround(2 / 65534));
    const u16 = scaleZeroPointFor(-1, 3, 'uint16');
    expect(u16.zeroPoint).toBe(roundHalfEven(1 / (4 / 65535)));
  });

  it('rejects non-finite ranges', () => {
    expect(() => computeScaleZeroPoint(-Infinity, 1, 0, 255)).toThrow(RangeError);
  });
});
