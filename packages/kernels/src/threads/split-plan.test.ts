// Steady-state runs build no chunk list: every threaded path keeps its split (KeyedPlan) and hands
// the pool the identical list while the call repeats, and a new, correct one when it changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { firstMismatch } from '../gemm/qgemm-tester.js';
import { createConvCase, randomConvCase, referenceQConv, type ConvShape } from '../conv/qconv-tester.js';
import { createConv2d } from '../f32/conv2d.js';
import { dynamicQuantizeLinearInto, dynamicQuantizeParamsBytes, quantizeLinearInto, QuantizeState } from '../quant/quant.js';
import { referenceDynamicQuantizeLinear } from '../reference/quant.js';
import { rng } from '../reference/random.js';
import { KeyedPlan, type ChunkPlan } from './split.js';
import { globalAveragePoolInto } from '../pool/pool.js';
import { layerNormInto, softmaxInto, unaryInto } from '../elementwise/elementwise.js';

let one: Kernels;
let two: Kernels;
/** The chunk lists the pool received, in order. */
const lists: { symbol: string; chunks: readonly (readonly number[])[] }[] = [];

beforeAll(async () => {
  one = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
  const pool = two.pool!;
  const runChunks = pool.runChunks!.bind(pool);
  pool.runChunks = (symbol, chunks, options) => {
    lists.push({ symbol, chunks });
    runChunks(symbol, chunks, options);
  };
});

afterAll(async () => {
  await one?.dispose();
  await two?.dispose();
});

/** Runs `body` and returns the one chunk list it gave the pool. */
function listOf(body: () => void): readonly (readonly number[])[] {
  lists.length = 0;
  body();
  expect(lists).toHaveLength(1);
  return lists[0].chunks;
}

describe('KeyedPlan', () => {
  it('returns the stored value while the key repeats, nothing after any change, and never a value stored for another key', () => {
    const plan = new KeyedPlan<object>();
    expect(plan.begin().key(1).key(2).get()).toBeUndefined();
    const a = plan.set({});
    expect(plan.begin().key(1).key(2).get()).toBe(a);
    expect(plan.begin().key(1).key(3).get()).toBeUndefined();
    // the miss above overwrote the stored key without a set: the old value must not come back
    expect(plan.begin().key(1).key(2).get()).toBeUndefined();
    const b = plan.set({});
    expect(plan.begin().key(1).get()).toBeUndefined();
    expect(plan.begin().key(1).key(2).get()).toBeUndefined();
    plan.set(b);
    expect(plan.begin().key(1).key(2).key(0).get()).toBeUndefined();
    const c = plan.set({});
    expect(plan.begin().key(1).key(2).key(0).get()).toBe(c);
  });
});

describe('threaded runs reuse their chunk list while the call repeats', () => {
  const convCases: [string, ConvShape][] = [
    ['1×1 rows', { N: 2, C: 64, H: 16, W: 16, M: 64, k: [1, 1] }],
    ['3×3 im2col rows', { N: 2, C: 32, H: 12, W: 12, M: 32, k: [3, 3], pads: [1, 1, 1, 1] }],
    ['depthwise, images per chunk', { N: 4, C: 32, H: 24, W: 24, M: 32, k: [3, 3], group: 32, pads: [1, 1, 1, 1] }],
    ['depthwise, channel ranges of one image', { N: 1, C: 32, H: 32, W: 32, M: 32, k: [3, 3], group: 32, pads: [1, 1, 1, 1] }],
  ];
  for (const [name, shape] of convCases) {
    it(`integer conv, ${name}: the same list on a repeated run, a new one for another batch or zero point, every output exact`, () => {
      const c = randomConvCase(shape.C * 7 + shape.N, shape, { output: 'u8', outputZeroPoint: 120 });
      const conv = createConvCase(two, c);
      const heap = two.heap;
      const count = shape.N * conv.outputShape.reduce((a, b) => a * b, 1);
      const px = heap.put(c.x);
      const py = heap.alloc(count);
      const check = (n: number, zx: number) => {
        const want = referenceQConv({ ...c, N: n, x: c.x.subarray(0, n * shape.C * shape.H * shape.W), xZeroPoint: zx });
        expect(firstMismatch(heap.u8.slice(py, py + want.length), want)).toBe(-1);
      };
      try {
        const first = listOf(() => conv.run({ N: shape.N, x: px, y: py }));
        check(shape.N, c.xZeroPoint);
        expect(listOf(() => conv.run({ N: shape.N, x: px, y: py }))).toBe(first);
        check(shape.N, c.xZeroPoint);
        if (conv.method === 'depthwise') {
          // the activation zero point is an argument of every depthwise chunk
          const zx = c.x instanceof Int8Array ? c.xZeroPoint + 1 : c.xZeroPoint ^ 1;
          const other = listOf(() => conv.run({ N: shape.N, x: px, y: py, activationZeroPoint: zx }));
          expect(other).not.toBe(first);
          check(shape.N, zx);
          conv.run({ N: shape.N, x: px, y: py, activationZeroPoint: c.xZeroPoint });
        }
        if (shape.N > 1) {
          const half = listOf(() => conv.run({ N: shape.N / 2, x: px, y: py }));
          expect(half).not.toBe(first);
          check(shape.N / 2, c.xZeroPoint);
          expect(listOf(() => conv.run({ N: shape.N, x: px, y: py }))).not.toBe(half);
          check(shape.N, c.xZeroPoint);
        }
      } finally {
        conv.dispose();
        heap.free(px);
        heap.free(py);
      }
    });
  }

  it('fp32 conv: the same list on a repeated run, a new one when the output moves', () => {
    const r = rng(31);
    const [N, C, H, W, OC] = [2, 16, 14, 14, 32];
    const weights = Float32Array.from({ length: OC * C * 9 }, () => r.float() - 0.5);
    const x = Float32Array.from({ length: N * C * H * W }, () => r.float() * 2 - 1);
    const opts = { C, OC, kernel: [3, 3] as const, pads: [1, 1, 1, 1] as const, weights };
    const conv = createConv2d(two, opts);
    const ref = createConv2d(one, opts);
    const heap = two.heap;
    const bytes = Math.max(conv.scratchBytes(H, W), 16);
    const px = heap.put(x);
    const py = [heap.alloc(N * OC * H * W * 4), heap.alloc(N * OC * H * W * 4)];
    const scratch = [heap.alloc(bytes), heap.alloc(bytes)];
    const want = Array.from(ref.run(x, [N, C, H, W]).data);
    const got = (y: number) => Array.from(heap.f32.subarray(y >> 2, (y >> 2) + want.length));
    try {
      const first = listOf(() => conv.runInto(px, py[0], N, H, W, scratch[0], [scratch[1]]));
      expect(listOf(() => conv.runInto(px, py[0], N, H, W, scratch[0], [scratch[1]]))).toBe(first);
      expect(got(py[0])).toEqual(want);
      const moved = listOf(() => conv.runInto(px, py[1], N, H, W, scratch[0], [scratch[1]]));
      expect(moved).not.toBe(first);
      expect(got(py[1])).toEqual(want);
    } finally {
      conv.dispose();
      ref.dispose();
      heap.free(px);
      for (const p of [...py, ...scratch]) heap.free(p);
    }
  });

  it('dynamic and per-tensor quantization with a QuantizeState: the same lists and result object on a repeated run, exact bytes', () => {
    const r = rng(77);
    const n = (1 << 18) + 40_009;
    const x = Float32Array.from({ length: n }, () => (r.float() - 0.3) * 5);
    const heap = two.heap;
    const bytes = dynamicQuantizeParamsBytes(two.pool!.size);
    const px = heap.put(x);
    const py = heap.alloc(n);
    const pp = heap.alloc(bytes, 16);
    const state = new QuantizeState();
    const want = referenceDynamicQuantizeLinear(x);
    try {
      lists.length = 0;
      const res = dynamicQuantizeLinearInto(two, px, py, n, pp, bytes, state);
      const [range, quant] = lists.map((l) => l.chunks);
      expect(lists.map((l) => l.symbol)).toEqual(['f32_range_wasmsimd', 'f32_quantize_linear_wasmsimd']);
      expect(res).toBe(state.params);
      expect([res.scale, res.zeroPoint]).toEqual([want.scale, want.zeroPoint]);
      expect(firstMismatch(heap.u8.slice(py, py + n), want.y)).toBe(-1);
      lists.length = 0;
      expect(dynamicQuantizeLinearInto(two, px, py, n, pp, bytes, state)).toBe(res);
      expect(lists[0].chunks).toBe(range);
      expect(lists[1].chunks).toBe(quant);
      // a shorter tensor: new lists, still the reference bytes
      const m = n - 4099;
      const wantM = referenceDynamicQuantizeLinear(x.subarray(0, m));
      lists.length = 0;
      dynamicQuantizeLinearInto(two, px, py, m, pp, bytes, state);
      expect(lists[0].chunks).not.toBe(range);
      expect(lists[1].chunks).not.toBe(quant);
      expect([state.params.scale, state.params.zeroPoint]).toEqual([wantM.scale, wantM.zeroPoint]);
      expect(firstMismatch(heap.u8.slice(py, py + m), wantM.y)).toBe(-1);
      // QuantizeLinear with the parameters just written, as a node would call it
      const args = { x: px, y: py, scale: pp, zeroPoint: pp + 8, type: 'u8' as const, layout: { outer: 1, axisDim: 1, inner: n, block: 0 } };
      const qs = new QuantizeState();
      const q = listOf(() => quantizeLinearInto(two, args, qs));
      expect(listOf(() => quantizeLinearInto(two, args, qs))).toBe(q);
    } finally {
      heap.free(px);
      heap.free(py);
      heap.free(pp);
    }
  });

  it('global average pool: the same list on a repeated run with its split, a new one for another plane size, means within f32 rounding', () => {
    const r = rng(5);
    const [nc, hw] = [320, 1024];
    const x = Float32Array.from({ length: nc * hw }, () => r.float() * 4 - 2);
    const heap = two.heap;
    const px = heap.put(x);
    const py = heap.alloc(nc * 4);
    const split = new KeyedPlan<ChunkPlan>();
    const check = (plane: number) => {
      for (let c = 0; c < nc; c++) {
        let sum = 0;
        for (let i = 0; i < plane; i++) sum += x[c * plane + i];
        expect(heap.f32[(py >> 2) + c]).toBeCloseTo(sum / plane, 5);
      }
    };
    try {
      const first = listOf(() => globalAveragePoolInto(two, px, py, nc, hw, split));
      check(hw);
      expect(listOf(() => globalAveragePoolInto(two, px, py, nc, hw, split))).toBe(first);
      const other = listOf(() => globalAveragePoolInto(two, px, py, nc, hw - 24, split));
      expect(other).not.toBe(first);
      check(hw - 24);
    } finally {
      heap.free(px);
      heap.free(py);
    }
  });

  it('softmax and layer norm (plain and residual): the same list on a repeated run, a new one for other rows, rows equal to one thread', () => {
    const r = rng(6);
    const [rows, n] = [256, 384];
    const x = Float32Array.from({ length: rows * n }, () => r.float() * 8 - 4);
    const res = Float32Array.from({ length: rows * n }, () => r.float() - 0.5);
    const gamma = Float32Array.from({ length: n }, () => r.float() + 0.5);
    const beta = Float32Array.from({ length: n }, () => r.float() - 0.5);
    const run = (k: Kernels, body: (p: { x: number; res: number; g: number; b: number; y: number }) => void, count: number) => {
      const h = k.heap;
      const p = { x: h.put(x), res: h.put(res), g: h.put(gamma), b: h.put(beta), y: h.alloc(rows * n * 4) };
      try {
        body(p);
        return h.f32.slice(p.y >> 2, (p.y >> 2) + count * n);
      } finally {
        for (const v of Object.values(p)) h.free(v);
      }
    };
    const cases: [string, (k: Kernels, p: { x: number; res: number; g: number; b: number; y: number }, m: number, split?: KeyedPlan<ChunkPlan>) => void][] = [
      ['softmax', (k, p, m, split) => softmaxInto(k, p.x, p.y, m, n, false, split)],
      ['layer norm', (k, p, m, split) => layerNormInto(k, { x: p.x, y: p.y, rows: m, n, gamma: p.g, beta: p.b, epsilon: 1e-5 }, split)],
      ['residual layer norm', (k, p, m, split) => layerNormInto(k, { x: p.x, residual: p.res, y: p.y, rows: m, n, gamma: p.g, beta: p.b, epsilon: 1e-5 }, split)],
    ];
    for (const [name, call] of cases) {
      const split = new KeyedPlan<ChunkPlan>();
      run(two, (p) => {
        const first = listOf(() => call(two, p, rows, split));
        expect(listOf(() => call(two, p, rows, split)), name).toBe(first);
        expect(listOf(() => call(two, p, rows / 2, split)), name).not.toBe(first);
      }, rows / 2);
      const want = run(one, (p) => call(one, p, rows / 2), rows / 2);
      const got = run(two, (p) => call(two, p, rows / 2, split), rows / 2);
      expect(firstMismatch(got, want), name).toBe(-1);
    }
  });

  it('a unary op with a -0 parameter stays on the caller (the pool passes integers: a worker would get +0), bits equal one thread', () => {
    const n = 1 << 18;
    const x = new Float32Array(n).fill(-0);
    const clip = (k: Kernels) => {
      const h = k.heap;
      const px = h.put(x);
      const py = h.alloc(n * 4);
      try {
        unaryInto(k, 'clip', px, py, n, -0, 1);
        return h.f32.slice(py >> 2, (py >> 2) + n);
      } finally {
        h.free(px);
        h.free(py);
      }
    };
    lists.length = 0;
    const got = clip(two);
    expect(lists).toHaveLength(0);
    expect(firstMismatch(got, clip(one))).toBe(-1);
  });
});
