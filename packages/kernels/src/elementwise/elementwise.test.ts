import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import {
  broadcastIndices, referenceBinary, referenceLayerNorm, referenceQLinear, referenceSoftmax, referenceUnary,
  type BinaryOpName, type QLinearParams, type UnaryOpName,
} from '../reference/elementwise.js';
import { rng } from '../reference/random.js';
import { planBroadcast } from './broadcast.js';
import { binary, layerNorm, qlinearBinary, softmax, unary } from './elementwise.js';

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});

function randomF32(seed: number, n: number, lo: number, hi: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.float());
}

/** Max relative error, with an absolute floor `abs` for values near 0. */
function maxError(got: ArrayLike<number>, want: ArrayLike<number>, abs: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), abs);
    if (!(e <= worst)) worst = e; // NaN propagates as a failure
  }
  return worst;
}

describe('fp32 unary kernels against float64 references', () => {
  // [op, lo, hi, bound on max(|err| / max(|ref|, floor)), floor, p0, p1]
  const cases: [UnaryOpName, number, number, number, number, number?, number?][] = [
    ['exp', -87, 88.5, 3e-7, 0],
    ['erf', -5, 5, 5e-7, 0],
    ['tanh', -10, 10, 5e-7, 0],
    ['sigmoid', -80, 30, 5e-7, 0],
    ['silu', -30, 30, 6e-7, 0],
    // gelu's 1 + erf(x/√2) cancels for x ≪ 0: the bound there is absolute (floor 1); its worst
    // case, near x = −5.1, is checked on a dense grid below
    ['gelu', -8, 8, 1e-6, 1],
    ['gelu_tanh', -8, 8, 1e-6, 1],
    ['relu', -3, 3, 0, 1e-30],
    ['clip', -3, 3, 0, 1e-30, -0.5, 1.25],
    ['hardsigmoid', -6, 6, 2e-7, 1, 0.2, 0.5],
    ['hardswish', -6, 6, 1e-6, 1],
    ['leakyrelu', -3, 3, 2e-7, 1e-30, 0.01],
    ['neg', -3, 3, 0, 1e-30],
    ['abs', -3, 3, 0, 1e-30],
    ['sqrt', 0, 1e4, 1e-7, 1e-30],
  ];
  for (const [op, lo, hi, bound, floor, p0, p1] of cases) {
    it(`${op} on [${lo}, ${hi}], n odd (SIMD body and scalar tail)`, () => {
      const x = randomF32(op.length * 31, 4099, lo, hi);
      x[0] = 0;
      x[1] = lo;
      x[2] = hi;
      const got = unary(k, op, x, p0 ?? 0, p1 ?? 0);
      const want = Array.from(x, (v) => referenceUnary(op, v, p0 ?? 0, p1 ?? 0));
      expect(maxError(got, want, floor)).toBeLessThanOrEqual(bound);
    });
  }

  it('exp overflows to +Inf, underflows through denormals to 0, keeps NaN', () => {
    const got = unary(k, 'exp', Float32Array.from([89, 1000, -90, -104, -1000, NaN, -Infinity, Infinity]));
    expect(got[0]).toBe(Infinity);
    expect(got[1]).toBe(Infinity);
    expect(got[2]).toBeGreaterThan(0);
    expect(Math.abs(got[2] - Math.exp(-90)) / Math.exp(-90)).toBeLessThan(1e-3); // denormal: fewer bits
    expect(got[3]).toBeLessThan(1e-44);
    expect(got[4]).toBe(0);
    expect(got[5]).toBeNaN();
    expect(got[6]).toBe(0);
    expect(got[7]).toBe(Infinity);
  });

  it('gelu on a dense grid over the cancellation region [−6, −4.5] (absolute error)', () => {
    const n = 1 << 18;
    const x = Float32Array.from({ length: n }, (_, i) => -6 + (1.5 * i) / (n - 1));
    const got = unary(k, 'gelu', x);
    expect(maxError(got, Array.from(x, (v) => referenceUnary('gelu', v, 0, 0)), 1)).toBeLessThanOrEqual(1e-6);
  });

  it('gelu is 0 far below 0 (not x times the erf rational\'s residue), x far above, NaN stays NaN', () => {
    const got = unary(k, 'gelu', Float32Array.from([-5.3, -100, -1e30, -Infinity, 100, 1e30, Infinity, NaN]));
    expect(Array.from(got.subarray(0, 4)).map(Math.abs)).toEqual([0, 0, 0, 0]);
    for (const i of [4, 5]) expect(Math.abs(got[i] / Math.fround([100, 1e30][i - 4]) - 1)).toBeLessThan(2e-7);
    expect(got[6]).toBe(Infinity);
    expect(got[7]).toBeNaN();
  });

  it('erf saturates to ±1 and tanh to ±1 far out', () => {
    expect(Array.from(unary(k, 'erf', Float32Array.from([-100, -6, 6, 100])))).toEqual([-1, -1, 1, 1]);
    expect(Array.from(unary(k, 'tanh', Float32Array.from([-100, -10, 10, 100])))).toEqual([-1, -1, 1, 1]);
  });
});

describe('fp32 binary kernels with broadcasting, bit-exact', () => {
  const shapes: [number[], number[]][] = [
    [[37], [37]],
    [[5, 7], [7]], // trailing vector
    [[7], [5, 7]], // broadcast on the left operand
    [[2, 3, 5, 6], [1, 3, 1, 1]], // channel broadcast
    [[3, 9], [1]], // scalar
    [[1], [4, 11]],
    [[2, 1, 3, 1, 2, 1], [1, 4, 1, 5, 1, 3]], // 6 alternating dims: host-looped outer dims
    [[1, 1], [1, 1]],
    [[4, 1, 5], [1, 3, 1]],
  ];
  const ops: BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'prelu'];
  for (const op of ops) {
    it(op, () => {
      let seed = 300 + op.length;
      for (const [as, bs] of shapes) {
        const a = randomF32(seed++, as.reduce((p, d) => p * d, 1), -4, 4);
        const b = randomF32(seed++, bs.reduce((p, d) => p * d, 1), -4, 4);
        const got = binary(k, op, a, as, b, bs);
        const plan = planBroadcast(as, bs);
        const [ia, ib] = broadcastIndices(as, bs, plan.outShape);
        expect(got.shape).toEqual(plan.outShape);
        const want = Array.from(ia, (j, i) => referenceBinary(op, a[j], b[ib[i]]));
        expect(Array.from(got.data)).toEqual(want);
      }
    });
  }
});

describe('softmax and layer normalisation', () => {
  it('softmax over the last axis, odd row lengths, large logits', () => {
    for (const [rows, n] of [[1, 1], [3, 7], [5, 33], [2, 1000], [4, 4]]) {
      const x = randomF32(rows * 100 + n, rows * n, -30, 30);
      const got = softmax(k, x, rows, n);
      const want = referenceSoftmax(x, rows, n);
      // x − max is rounded in fp32 (as in every fp32 softmax): ≈ |x − max|·6e-8 relative
      expect(maxError(got, want, 1e-30)).toBeLessThan(5e-6);
      const gotLog = softmax(k, x, rows, n, true);
      const wantLog = referenceSoftmax(x, rows, n, true);
      expect(maxError(gotLog, wantLog, 1)).toBeLessThan(2e-6);
    }
  });

  it('softmax terms far below the row max: e^d to −87.3, denormal or 0 to −87.68, 0 beyond and for −Inf; NaN stays NaN', () => {
    const d = [0, -20, -87.3, -87.5, -87.7, -87.9, -88, -90, -1e4, -Infinity];
    const got = softmax(k, Float32Array.from(d), 1, d.length);
    const sum = d.reduce((s, v) => s + Math.exp(v), 0);
    for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - Math.exp(d[i]) / sum) / (Math.exp(d[i]) / sum)).toBeLessThan(5e-6);
    // e^-87.5 is a denormal: fewer bits, or (in an implementation that flushes) 0
    expect(got[3] === 0 || Math.abs(got[3] - Math.exp(-87.5)) / Math.exp(-87.5) < 1e-3).toBe(true);
    for (let i = 4; i < d.length; i++) expect(got[i], `e^${d[i]}`).toBe(0);
    const nan = softmax(k, Float32Array.from([0, NaN, -3, -1e4]), 1, 4);
    expect(Array.from(nan).every((v) => Number.isNaN(v))).toBe(true);
  });

  it('layerNorm with and without scale/bias, odd sizes', () => {
    for (const [rows, n] of [[1, 1], [3, 7], [5, 33], [2, 768], [1, 4]]) {
      const x = randomF32(rows * 17 + n, rows * n, -3, 5);
      const g = randomF32(n, n, 0.5, 1.5);
      const b = randomF32(n + 1, n, -1, 1);
      for (const [gg, bb] of [[g, b], [null, null]] as const) {
        const got = layerNorm(k, x, rows, n, gg, bb, 1e-5);
        const want = referenceLayerNorm(x, rows, n, gg, bb, 1e-5);
        expect(maxError(got, want, 1)).toBeLessThan(5e-6);
      }
    }
  });
});

describe('layer normalisation with a fused residual Add', () => {
  it('equals Add then LayerNormalization bit for bit, odd sizes, with and without scale/bias', () => {
    for (const [rows, n] of [[1, 1], [3, 7], [5, 33], [2, 384], [1, 4], [4, 12]]) {
      const x = randomF32(rows * 29 + n, rows * n, -3, 5);
      const res = randomF32(rows * 31 + n, rows * n, -4, 4);
      const g = randomF32(n + 2, n, 0.5, 1.5);
      const b = randomF32(n + 3, n, -1, 1);
      const sum = binary(k, 'add', x, [rows, n], res, [rows, n]).data;
      for (const [gg, bb] of [[g, b], [null, null]] as const) {
        expect(Array.from(layerNorm(k, x, rows, n, gg, bb, 1e-5, res))).toEqual(Array.from(layerNorm(k, sum, rows, n, gg, bb, 1e-5)));
        // and against the float64 reference of the rounded sum
        expect(maxError(layerNorm(k, x, rows, n, gg, bb, 1e-5, res), referenceLayerNorm(sum, rows, n, gg, bb, 1e-5), 1)).toBeLessThan(5e-6);
      }
    }
  });

  it('propagates NaN and Inf from either operand to its row only', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const res = Float32Array.from([0, NaN, 0, 0, 0, 0, 0, 0]);
    const y = layerNorm(k, x, 2, 4, null, null, 1e-5, res);
    expect(Array.from(y.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.subarray(4)).every(Number.isFinite)).toBe(true);
    res[1] = 0;
    res[6] = Infinity;
    const z = layerNorm(k, x, 2, 4, null, null, 1e-5, res);
    expect(Array.from(z.subarray(0, 4)).every(Number.isFinite)).toBe(true);
    expect(Array.from(z.subarray(4)).every(Number.isNaN)).toBe(true);
  });
});

describe('QLinearAdd / QLinearMul against the ORT-formula reference, bit-exact', () => {
  const shapes: [number[], number[]][] = [
    [[67], [67]],
    [[3, 29], [1]], // scalar B
    [[1], [2, 21]], // scalar A
    [[2, 4, 3, 5], [1, 4, 1, 1]], // channel broadcast (scalar spans of B)
    [[5, 9], [9]], // trailing vector (vector-vector spans)
    [[1, 1], [1, 1]],
  ];
  const params = (signed: boolean, i: number): QLinearParams => {
    const lo = signed ? -128 : 0;
    const hi = signed ? 127 : 255;
    const zs = [lo, hi, signed ? 3 : 131];
    return {
      signed,
      aScale: [0.02, 0.5, 0.0071][i % 3],
      aZeroPoint: zs[i % 3],
      bScale: [0.013, 0.9, 0.05][i % 3],
      bZeroPoint: zs[(i + 1) % 3],
      cScale: [0.03, 0.01, 0.2][i % 3], // 0.01: saturates at both ends
      cZeroPoint: zs[(i + 2) % 3],
    };
  };
  for (const op of ['add', 'mul'] as const) {
    for (const signed of [false, true]) {
      it(`${op} ${signed ? 's8' : 'u8'}`, () => {
        let seed = 900;
        let sawLo = false;
        let sawHi = false;
        for (let pi = 0; pi < 3; pi++) {
          const p = params(signed, pi);
          for (const [as, bs] of shapes) {
            const r = rng(seed++);
            const gen = (n: number) => {
              const v = Array.from({ length: n }, () => r.int(signed ? -128 : 0, signed ? 127 : 255));
              return signed ? Int8Array.from(v) : Uint8Array.from(v);
            };
            const a = gen(as.reduce((q, d) => q * d, 1));
            const b = gen(bs.reduce((q, d) => q * d, 1));
            const got = qlinearBinary(k, op, a, as, b, bs, p);
            const plan = planBroadcast(as, bs);
            const [ia, ib] = broadcastIndices(as, bs, plan.outShape);
            const aScalar = plan.aStrides[3] === 0;
            const bScalar = plan.bStrides[3] === 0;
            const want = Array.from(ia, (j, i) => referenceQLinear(op, a[j], b[ib[i]], p, aScalar, bScalar));
            const bad = want.findIndex((w, i) => w !== got.data[i]);
            if (bad >= 0) expect.fail(`${JSON.stringify({ as, bs, p, bad, a: a[ia[bad]], b: b[ib[bad]], got: got.data[bad], want: want[bad] })}`);
            sawLo ||= want.includes(signed ? -128 : 0);
            sawHi ||= want.includes(signed ? 127 : 255);
          }
        }
        expect(sawLo && sawHi).toBe(true);
      });
    }
  }
});
