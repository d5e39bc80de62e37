import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { referenceAttentionSoftmax, referenceX8AttentionSoftmax, type AttentionSoftmaxParams, type X8AttentionSoftmaxParams } from '../reference/attention.js';
import { rng } from '../reference/random.js';
import { attentionSoftmax, x8AttentionSoftmax } from './attention-softmax.js';

let one: Kernels;
let two: Kernels;
const shares: number[] = [];
beforeAll(async () => {
  one = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
  const pool = two.pool!;
  const run = pool.run.bind(pool);
  pool.run = (symbol, args, f32Mask) => {
    if (symbol.endsWith('_attention_softmax__wasmsimd')) shares.push(args.length);
    run(symbol, args, f32Mask);
  };
});
afterAll(async () => {
  await two?.dispose();
});

function randomF32(seed: number, n: number, lo: number, hi: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.float());
}

/** [b, h, T, T] scores with a [b, 1, 1, T] mask of 0 / −10000 (column 0 never masked). */
function attentionCase(seed: number, b: number, h: number, T: number, withMask: boolean) {
  const rows = b * h * T;
  const x = randomF32(seed, rows * T, -40, 40);
  const r = rng(seed + 1);
  const mask = withMask ? Float32Array.from({ length: b * T }, (_, i) => (i % T === 0 || r.float() < 0.7 ? 0 : -10000)) : null;
  return { x, rows, n: T, mask, groupRows: h * T };
}

const variants: { name: string; p: (groupRows: number) => AttentionSoftmaxParams }[] = [
  { name: 'f32 out, Div, mask', p: (g) => ({ mul: 1, div: 8, maskGroupRows: g, output: { dtype: 'float32' } }) },
  { name: 'u8 out, Mul, Q→DQ round trip, mask', p: (g) => ({ mul: 0.125, div: 1, roundTrip: { scale: 0.043, zeroPoint: 131, dtype: 'uint8' }, maskGroupRows: g, output: { dtype: 'uint8', scale: 1 / 255, zeroPoint: 0 } }) },
  { name: 's8 out, s8 round trip', p: (g) => ({ mul: 1, div: 5.6568542, roundTrip: { scale: 0.05, zeroPoint: -3, dtype: 'int8' }, maskGroupRows: g, output: { dtype: 'int8', scale: 1 / 256, zeroPoint: -128 } }) },
];

describe('attention softmax (scale, Q→DQ, mask, softmax, quantize in one pass)', () => {
  for (const v of variants) {
    it(`${v.name}: matches the reference over odd and tile-sized rows, one and two threads`, () => {
      let seed = 1;
      for (const [b, h, T, withMask] of [[1, 1, 1, true], [1, 2, 7, true], [2, 3, 13, true], [2, 2, 33, false], [2, 12, 128, true]] as const) {
        const c = attentionCase(seed++, b, h, T, withMask);
        const p = v.p(c.groupRows);
        const want = referenceAttentionSoftmax(c.x, c.rows, c.n, c.mask, p);
        for (const k of [one, two]) {
          const got = attentionSoftmax(k, c.x, c.rows, c.n, c.mask, p);
          expect(got.length).toBe(want.length);
          let worst = 0;
          for (let i = 0; i < want.length; i++) {
            // f32: relative error of the polynomial exp and the f32 sum; 8-bit: a rounding tie moved by them
            const e = p.output.dtype === 'float32' ? Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-30) : Math.abs(got[i] - want[i]);
            if (!(e <= worst)) worst = e;
          }
          expect(worst).toBeLessThanOrEqual(p.output.dtype === 'float32' ? 5e-6 : 1);
        }
      }
      expect(shares.some((s) => s === 2)).toBe(true);
    });
  }

  it('8-bit outputs equal the reference on all but rare rounding ties', () => {
    const c = attentionCase(99, 2, 12, 128, true);
    const p = variants[1].p(c.groupRows);
    const want = referenceAttentionSoftmax(c.x, c.rows, c.n, c.mask, p);
    const got = attentionSoftmax(one, c.x, c.rows, c.n, c.mask, p);
    let differ = 0;
    for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) differ++;
    expect(differ / want.length).toBeLessThan(1e-3);
  });
});

describe('attention softmax from uint8 scores (exp table + per-mask-row exps)', () => {
  const outputs: X8AttentionSoftmaxParams['output'][] = [{ dtype: 'uint8', scale: 1 / 255, zeroPoint: 0 }, { dtype: 'int8', scale: 1 / 256, zeroPoint: -128 }, { dtype: 'float32' }];
  for (const output of outputs) {
    it(`${output.dtype} out: matches the reference, masked and unmasked, one and two threads`, () => {
      let seed = 40;
      for (const [b, h, T, withMask, scale] of [[1, 1, 1, true, 0.05], [1, 2, 7, true, 0.1], [2, 3, 21, false, 0.03], [2, 12, 128, true, 0.07], [1, 2, 40, true, 0.9]] as const) {
        const c = attentionCase(seed++, b, h, T, withMask);
        const r = rng(seed);
        const x = Uint8Array.from({ length: c.rows * c.n }, () => r.int(0, 255));
        const p: X8AttentionSoftmaxParams = { scale, zeroPoint: 119, maskGroupRows: c.groupRows, output };
        const want = referenceX8AttentionSoftmax(x, c.rows, c.n, c.mask, p);
        for (const k of [one, two]) {
          const got = x8AttentionSoftmax(k, x, c.rows, c.n, c.mask, p);
          let worst = 0;
          let differ = 0;
          for (let i = 0; i < want.length; i++) {
            // (terms below e^-87 of the row's peak are flushed to zero: an absolute floor)
            const e = output.dtype === 'float32' ? Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-20) : Math.abs(got[i] - want[i]);
            if (!(e <= worst)) worst = e;
            if (got[i] !== want[i]) differ++;
          }
          // the reference rounds v to f32 (|v|·6e-8 relative in e^v); the table's two rounded
          // exponentials per term ~1e-7; an 8-bit rounding tie now and then
          expect(worst).toBeLessThanOrEqual(output.dtype === 'float32' ? 1e-5 : 1);
          if (output.dtype !== 'float32') expect(differ / want.length).toBeLessThan(2e-3);
        }
      }
    });
  }

  it('a row whose terms all underflow in the table is recomputed from the floats', () => {
    // scale 2: bytes span 510; the mask peaks where the bytes are lowest, so the table terms vanish
    const n = 8;
    const x = Uint8Array.from([255, 250, 0, 1, 2, 3, 4, 5]);
    const mask = Float32Array.from([-1e4, -1e4, 0, 0, 0, 0, 0, 0]);
    const p: X8AttentionSoftmaxParams = { scale: 2, zeroPoint: 0, maskGroupRows: 1, output: { dtype: 'float32' } };
    const got = x8AttentionSoftmax(one, x, 1, n, mask, p);
    const want = referenceX8AttentionSoftmax(x, 1, n, mask, p);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(2e-6 * want[i] + 1e-30);
  });
});
