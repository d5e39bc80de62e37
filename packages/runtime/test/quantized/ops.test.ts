// Each quantized op against a plain TypeScript reference (reference.ts), on the WASM kernels and on
// the TypeScript path. Integer GEMM/conv results must be bit-exact; ops ONNX Runtime computes in
// float (QLinearAdd, lookup tables, pools, softmax) within one quantization step.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpRegistry, floatOpConfigs, type TensorValue } from '../../src/index.js';
import { quantOpConfigs } from '../../src/ops/quant/index.js';
import { compileGraph } from '../../src/compile.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { buildGraph, maxDiff, rng, runGraph, t, type GraphSpec } from './op-harness.js';
import { clamp, quantize, refAcc, refConvAcc, refRequant, rhe } from './reference.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels();
});
afterAll(async () => {
  await kernels.dispose();
});

const PATHS = [
  ['kernels', () => ({ kernels })],
  ['TypeScript', () => ({})],
] as const;

const f32 = Math.fround;
const scales = (sa: number, sb: number[], sy: number) => sb.map((s) => f32(f32(f32(sa) * f32(s)) / f32(sy)));
const out0 = (o: Record<string, TensorValue>, name = 'y') => Array.from(o[name].data as ArrayLike<number>);

describe.each(PATHS)('integer GEMM ops (%s)', (_label, opts) => {
  it('QLinearMatMul: 3-D u8 A × constant s8 B with per-column scales and zero points', () => {
    const r = rng(1);
    const [B, M, K, N] = [2, 5, 37, 19];
    const a = r.ints(B * M * K, 0, 255);
    const b = r.ints(K * N, -128, 127);
    const sb = r.floats(N, 0.001, 0.01);
    const zb = r.ints(N, -3, 3);
    const [sa, za, sy, zy] = [0.02, 131, 0.05, 120];
    const spec: GraphSpec = {
      nodes: [{ op: 'QLinearMatMul', inputs: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sy', 'zy'], outputs: ['y'] }],
      feeds: { a: t('uint8', [B, M, K], a) },
      consts: { sa: t('float32', [], [sa]), za: t('uint8', [], [za]), b: t('int8', [K, N], b), sb: t('float32', [N], sb), zb: t('int8', [N], zb), sy: t('float32', [], [sy]), zy: t('uint8', [], [zy]) },
      outputs: ['y'],
    };
    const y = runGraph(spec, opts());
    expect(y.y.dims).toEqual([B, M, N]);
    const sc = scales(sa, sb, sy);
    const want = refAcc(B * M, K, N, a, za, b, zb).map((acc, i) => refRequant(acc, sc[i % N], zy, 0, 255));
    expect(out0(y)).toEqual(want);
  });

  it('QLinearMatMul: two activations with broadcast batch axes (attention scores)', () => {
    const r = rng(2);
    const a = r.ints(2 * 3 * 4 * 5, 0, 255);
    const b = r.ints(3 * 5 * 6, 0, 255);
    const [sa, za, sb, zb, sy, zy] = [0.03, 128, 0.02, 100, 0.4, 7];
    const y = runGraph(
      {
        nodes: [{ op: 'QLinearMatMul', inputs: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sy', 'zy'], outputs: ['y'] }],
        feeds: { a: t('uint8', [2, 3, 4, 5], a), b: t('uint8', [3, 5, 6], b) },
        consts: { sa: t('float32', [], [sa]), za: t('uint8', [], [za]), sb: t('float32', [], [sb]), zb: t('uint8', [], [zb]), sy: t('float32', [], [sy]), zy: t('uint8', [], [zy]) },
        outputs: ['y'],
      },
      opts(),
    );
    expect(y.y.dims).toEqual([2, 3, 4, 6]);
    const sc = scales(sa, [sb], sy)[0];
    const want: number[] = [];
    for (let bt = 0; bt < 6; bt++) {
      const h = bt % 3;
      want.push(...refAcc(4, 5, 6, a.slice(bt * 20, bt * 20 + 20), za, b.slice(h * 30, h * 30 + 30), [zb]).map((acc) => refRequant(acc, sc, zy, 0, 255)));
    }
    expect(out0(y)).toEqual(want);
  });

  it('QGemm (com.microsoft): transB, int32 bias, alpha; requantized and float outputs', () => {
    const r = rng(3);
    const [M, K, N] = [7, 33, 10];
    const a = r.ints(M * K, 0, 255);
    const bT = r.ints(N * K, -127, 127);
    const b = Array.from({ length: K * N }, (_, i) => bT[(i % N) * K + Math.floor(i / N)]);
    const bias = r.ints(N, -500, 500);
    const sb = r.floats(N, 0.002, 0.02);
    const [sa, za, sy, zy, alpha] = [0.01, 110, 0.1, 128, 0.5];
    const consts = {
      sa: t('float32', [], [sa]), za: t('uint8', [], [za]), b: t('int8', [N, K], bT), sb: t('float32', [N], sb), zb: t('int8', [N], new Array(N).fill(0)),
      c: t('int32', [N], bias), sy: t('float32', [], [sy]), zy: t('uint8', [], [zy]),
    };
    const acc = refAcc(M, K, N, a, za, b, [0], bias);
    const node = (outs: string[]) => ({ op: 'QGemm', domain: 'com.microsoft', inputs: outs, outputs: ['y'], attrs: { transB: 1, alpha } });
    const q = runGraph({ nodes: [node(['a', 'sa', 'za', 'b', 'sb', 'zb', 'c', 'sy', 'zy'])], feeds: { a: t('uint8', [M, K], a) }, consts, outputs: ['y'] }, opts());
    const sc = sb.map((s) => f32(f32(f32(f32(alpha) * f32(sa)) * s) / f32(sy)));
    expect(out0(q)).toEqual(acc.map((v, i) => refRequant(v, sc[i % N], zy, 0, 255)));
    const fl = runGraph({ nodes: [node(['a', 'sa', 'za', 'b', 'sb', 'zb', 'c'])], feeds: { a: t('uint8', [M, K], a) }, consts, outputs: ['y'] }, opts());
    expect(fl.y.type).toBe('float32');
    const fs = sb.map((s) => f32(f32(f32(alpha) * f32(sa)) * s));
    expect(out0(fl)).toEqual(acc.map((v, i) => f32(f32(v) * fs[i % N])));
  });

  it('MatMulInteger: run-time activation zero point, per-column weight zero points', () => {
    const r = rng(4);
    const [M, K, N] = [3, 20, 9];
    const a = r.ints(M * K, 0, 255);
    const b = r.ints(K * N, -128, 127);
    const zb = r.ints(N, -5, 5);
    const y = runGraph(
      {
        nodes: [{ op: 'MatMulInteger', inputs: ['a', 'b', 'za', 'zb'], outputs: ['y'] }],
        feeds: { a: t('uint8', [M, K], a), za: t('uint8', [], [77]) },
        consts: { b: t('int8', [K, N], b), zb: t('int8', [N], zb) },
        outputs: ['y'],
      },
      opts(),
    );
    expect(y.y.type).toBe('int32');
    expect(out0(y)).toEqual(refAcc(M, K, N, a, 77, b, zb));
  });

  it('MatMulIntegerToFloat and DynamicQuantizeMatMul (com.microsoft) with float bias', () => {
    const r = rng(5);
    const [M, K, N] = [4, 24, 6];
    const x = r.floats(M * K, -2, 3);
    const b = r.ints(K * N, -127, 127);
    const sb = r.floats(N, 0.01, 0.03);
    const bias = r.floats(N, -1, 1);
    const consts = { b: t('int8', [K, N], b), sb: t('float32', [N], sb), zb: t('int8', [N], new Array(N).fill(0)), bias: t('float32', [N], bias) };
    // Dynamic quantization reference (ONNX DynamicQuantizeLinear).
    const lo = Math.min(0, ...x);
    const hi = Math.max(0, ...x);
    const s = f32(f32(hi - lo) / 255);
    const z = rhe(clamp(f32(0 - f32(lo / s)), 0, 255));
    const aq = x.map((v) => quantize(v, s, z, 0, 255));
    const want = refAcc(M, K, N, aq, z, b, [0]).map((acc, i) => f32(f32(f32(acc) * f32(f32(s) * sb[i % N])) + bias[i % N]));
    const dq = runGraph(
      { nodes: [{ op: 'DynamicQuantizeMatMul', domain: 'com.microsoft', inputs: ['x', 'b', 'sb', 'zb', 'bias'], outputs: ['y'] }], feeds: { x: t('float32', [M, K], x) }, consts, outputs: ['y'] },
      opts(),
    );
    expect(maxDiff(out0(dq), want)).toBeLessThanOrEqual(1e-6);
    const mf = runGraph(
      {
        nodes: [{ op: 'MatMulIntegerToFloat', domain: 'com.microsoft', inputs: ['a', 'b', 'sa', 'sb', 'za', 'zb', 'bias'], outputs: ['y'] }],
        feeds: { a: t('uint8', [M, K], aq), sa: t('float32', [], [s]), za: t('uint8', [], [z]) },
        consts,
        outputs: ['y'],
      },
      opts(),
    );
    expect(maxDiff(out0(mf), want)).toBeLessThanOrEqual(1e-6);
  });
});

describe.each(PATHS)('integer convolution ops (%s)', (_label, opts) => {
  const cases = [
    { name: 'grouped, strided, padded, dilated', xd: [2, 4, 9, 8], wd: [6, 2, 3, 3], group: 2, strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2] },
    { name: 'depthwise 3×3', xd: [1, 8, 7, 7], wd: [8, 1, 3, 3], group: 8, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
    { name: '1×1', xd: [3, 5, 4, 6], wd: [7, 5, 1, 1], group: 1, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
    // narrow planes: channels-last depthwise (channel count not a multiple of 8), 1×1 with the batch as GEMM rows
    { name: 'depthwise on a narrow plane, batch 5, strided', xd: [5, 11, 4, 3], wd: [11, 1, 3, 3], group: 11, strides: [2, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
    { name: 'depthwise on a narrow plane, dilated, asymmetric pads', xd: [3, 17, 5, 5], wd: [17, 1, 3, 3], group: 17, strides: [1, 1], pads: [2, 1, 0, 2], dilations: [2, 2] },
    { name: '1×1 on a plane smaller than the batch', xd: [6, 5, 2, 1], wd: [7, 5, 1, 1], group: 1, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
    { name: 'depthwise on a wide plane, batch 3 as planes', xd: [3, 6, 9, 10], wd: [6, 1, 3, 3], group: 6, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
    { name: '1×1 on a 1×1 plane', xd: [4, 9, 1, 1], wd: [10, 9, 1, 1], group: 1, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
  ];
  for (const c of cases) {
    it(`QLinearConv ${c.name}, per-channel weights, int32 bias`, () => {
      const r = rng(10);
      const nx = c.xd.reduce((p, d) => p * d, 1);
      const nw = c.wd.reduce((p, d) => p * d, 1);
      const M = c.wd[0];
      const x = r.ints(nx, 0, 255);
      const w = r.ints(nw, -127, 127);
      const sw = r.floats(M, 0.001, 0.01);
      const bias = r.ints(M, -300, 300);
      const [sx, zx, sy, zy] = [0.02, 119, 0.03, 100];
      const y = runGraph(
        {
          nodes: [{ op: 'QLinearConv', inputs: ['x', 'sx', 'zx', 'w', 'sw', 'zw', 'sy', 'zy', 'b'], outputs: ['y'], attrs: { group: c.group, strides: c.strides, pads: c.pads, dilations: c.dilations, kernel_shape: c.wd.slice(2) } }],
          feeds: { x: t('uint8', c.xd, x) },
          consts: { sx: t('float32', [], [sx]), zx: t('uint8', [], [zx]), w: t('int8', c.wd, w), sw: t('float32', [M], sw), zw: t('int8', [M], new Array(M).fill(0)), sy: t('float32', [], [sy]), zy: t('uint8', [], [zy]), b: t('int32', [M], bias) },
          outputs: ['y'],
        },
        opts(),
      );
      const ref = refConvAcc(x, c.xd, zx, w, c.wd, [0], c, bias);
      expect(y.y.dims).toEqual(ref.dims);
      const plane = ref.dims[2] * ref.dims[3];
      const sc = scales(sx, sw, sy);
      expect(out0(y)).toEqual(ref.acc.map((acc, i) => refRequant(acc, sc[Math.floor(i / plane) % M], zy, 0, 255)));
    });
  }

  it('ConvInteger → Cast(float) (fused into ai.octet ConvIntegerToFloat): the int32 sums as floats, batch and depthwise', () => {
    const r = rng(12);
    const xd = [4, 6, 3, 3];
    const wd = [6, 1, 3, 3];
    const x = r.ints(4 * 6 * 9, 0, 255);
    const w = r.ints(54, -127, 127);
    const y = runGraph(
      {
        nodes: [
          { op: 'ConvInteger', inputs: ['x', 'w', 'zx'], outputs: ['acc'], attrs: { group: 6, pads: [1, 1, 1, 1] } },
          { op: 'Cast', inputs: ['acc'], outputs: ['y'], attrs: { to: 1 } },
        ],
        feeds: { x: t('uint8', xd, x), zx: t('uint8', [], [77]) },
        consts: { w: t('int8', wd, w) },
        outputs: ['y'],
      },
      opts(),
    );
    const ref = refConvAcc(x, xd, 77, w, wd, [0], { group: 6, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] });
    expect(y.y.dims).toEqual(ref.dims);
    expect(y.y.type).toBe('float32');
    expect(out0(y)).toEqual(ref.acc);
  });

  it('ConvInteger depthwise on a narrow plane, int8 input, run-time zero point (int32 out)', () => {
    const r = rng(13);
    const xd = [3, 9, 2, 4];
    const wd = [9, 1, 3, 3];
    const x = r.ints(3 * 9 * 8, -128, 127);
    const w = r.ints(81, -127, 127);
    const y = runGraph(
      {
        nodes: [{ op: 'ConvInteger', inputs: ['x', 'w', 'zx'], outputs: ['y'], attrs: { group: 9, pads: [1, 1, 1, 1], strides: [1, 2] } }],
        feeds: { x: t('int8', xd, x), zx: t('int8', [], [-9]) },
        consts: { w: t('int8', wd, w) },
        outputs: ['y'],
      },
      opts(),
    );
    const ref = refConvAcc(x, xd, -9, w, wd, [0], { group: 9, strides: [1, 2], pads: [1, 1, 1, 1], dilations: [1, 1] });
    expect(y.y.dims).toEqual(ref.dims);
    expect(out0(y)).toEqual(ref.acc);
  });

  it('ConvInteger: run-time input zero point, padding', () => {
    const r = rng(11);
    const xd = [1, 3, 6, 5];
    const wd = [4, 3, 2, 2];
    const x = r.ints(90, 0, 255);
    const w = r.ints(48, 0, 255);
    const y = runGraph(
      {
        nodes: [{ op: 'ConvInteger', inputs: ['x', 'w', 'zx', 'zw'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } }],
        feeds: { x: t('uint8', xd, x), zx: t('uint8', [], [90]) },
        consts: { w: t('uint8', wd, w), zw: t('uint8', [], [128]) },
        outputs: ['y'],
      },
      opts(),
    );
    const ref = refConvAcc(x, xd, 90, w, wd, [128], { group: 1, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] });
    expect(y.y.dims).toEqual(ref.dims);
    expect(out0(y)).toEqual(ref.acc);
  });
});

describe('element-wise, pooling and lookup quantized ops', () => {
  const r = rng(20);
  const q = (name: string, dims: number[], lo = 0, hi = 255) => t(lo < 0 ? 'int8' : 'uint8', dims, r.ints(dims.reduce((p, d) => p * d, 1), lo, hi));
  const scalar = (v: number, dtype: 'float32' | 'uint8' | 'int8' = 'float32') => t(dtype, [], [v]);

  for (const op of ['QLinearAdd', 'QLinearMul'] as const) {
    it(`${op}: broadcasting, within one step of the float64 result and mostly exact`, () => {
      const a = q('a', [2, 3, 4]);
      const b = q('b', [3, 1]);
      const [sa, za, sb, zb, sc, zc] = [0.05, 120, 0.03, 140, op === 'QLinearAdd' ? 0.07 : 0.02, 128];
      const y = runGraph({
        nodes: [{ op, domain: 'com.microsoft', inputs: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sc', 'zc'], outputs: ['y'] }],
        feeds: { a, b },
        consts: { sa: scalar(sa), za: scalar(za, 'uint8'), sb: scalar(sb), zb: scalar(zb, 'uint8'), sc: scalar(sc), zc: scalar(zc, 'uint8') },
        outputs: ['y'],
      });
      const want: number[] = [];
      for (let i = 0; i < 24; i++) {
        const av = sa * ((a.data[i] as number) - za);
        const bv = sb * ((b.data[Math.floor(i / 4) % 3] as number) - zb);
        want.push(clamp(rhe((op === 'QLinearAdd' ? av + bv : av * bv) / sc) + zc, 0, 255));
      }
      expect(maxDiff(out0(y), want)).toBeLessThanOrEqual(1);
      expect(out0(y).filter((v, i) => v === want[i]).length).toBeGreaterThanOrEqual(22);
    });
  }

  it('QLinearGlobalAveragePool and QLinearAveragePool', () => {
    const x = q('x', [2, 3, 5, 5]);
    const [sx, zx, sy, zy] = [0.1, 100, 0.05, 90];
    const consts = { sx: scalar(sx), zx: scalar(zx, 'uint8'), sy: scalar(sy), zy: scalar(zy, 'uint8') };
    const g = runGraph({ nodes: [{ op: 'QLinearGlobalAveragePool', domain: 'com.microsoft', inputs: ['x', 'sx', 'zx', 'sy', 'zy'], outputs: ['y'], attrs: { channels_last: 0 } }], feeds: { x }, consts, outputs: ['y'] });
    expect(g.y.dims).toEqual([2, 3, 1, 1]);
    const xs = Array.from(x.data as Uint8Array);
    const wantG = [0, 1, 2, 3, 4, 5].map((p) => clamp(rhe((sx * (xs.slice(p * 25, p * 25 + 25).reduce((s, v) => s + v, 0) / 25 - zx)) / sy) + zy, 0, 255));
    expect(maxDiff(out0(g), wantG)).toBeLessThanOrEqual(1);
    const p = runGraph({ nodes: [{ op: 'QLinearAveragePool', domain: 'com.microsoft', inputs: ['x', 'sx', 'zx', 'sy', 'zy'], outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }], feeds: { x }, consts, outputs: ['y'] });
    expect(p.y.dims).toEqual([2, 3, 2, 2]);
    const wantP: number[] = [];
    for (let pl = 0; pl < 6; pl++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          let s = 0;
          for (const [di, dj] of [[0, 0], [0, 1], [1, 0], [1, 1]]) s += xs[pl * 25 + (2 * i + di) * 5 + 2 * j + dj] - zx;
          wantP.push(clamp(rhe((sx * s) / 4 / sy) + zy, 0, 255));
        }
    expect(maxDiff(out0(p), wantP)).toBeLessThanOrEqual(1);
  });

  it('QLinearConcat requantizes inputs with other parameters', () => {
    const a = q('a', [2, 2, 3]);
    const b = q('b', [2, 1, 3]);
    const y = runGraph({
      nodes: [{ op: 'QLinearConcat', domain: 'com.microsoft', inputs: ['sy', 'zy', 'a', 'sa', 'za', 'b', 'sb', 'zb'], outputs: ['y'], attrs: { axis: 1 } }],
      feeds: { a, b },
      consts: { sy: scalar(0.1), zy: scalar(128, 'uint8'), sa: scalar(0.1), za: scalar(128, 'uint8'), sb: scalar(0.25), zb: scalar(10, 'uint8') },
      outputs: ['y'],
    });
    expect(y.y.dims).toEqual([2, 3, 3]);
    const A = Array.from(a.data as Uint8Array);
    const B = Array.from(b.data as Uint8Array);
    const want: number[] = [];
    for (let o = 0; o < 2; o++) {
      want.push(...A.slice(o * 6, o * 6 + 6));
      want.push(...B.slice(o * 3, o * 3 + 3).map((v) => clamp(rhe((0.25 * (v - 10)) / 0.1) + 128, 0, 255)));
    }
    expect(maxDiff(out0(y), want)).toBeLessThanOrEqual(1);
  });

  for (const [op, fn, attrs] of [
    ['QLinearSigmoid', (v: number) => 1 / (1 + Math.exp(-v)), {}],
    ['QLinearLeakyRelu', (v: number) => (v >= 0 ? v : 0.1 * v), { alpha: 0.1 }],
  ] as const) {
    it(`${op} (int8 and uint8) matches quantize(f(dequantize(x)))`, () => {
      for (const signed of [false, true]) {
        const x = signed ? q('x', [64], -128, 127) : q('x', [64]);
        const dt = signed ? 'int8' : 'uint8';
        const [sx, zx, sy, zy] = [0.05, signed ? 3 : 128, op === 'QLinearSigmoid' ? 1 / 256 : 0.04, signed ? -100 : 20];
        const [lo, hi] = signed ? [-128, 127] : [0, 255];
        const y = runGraph({
          nodes: [{ op, domain: 'com.microsoft', inputs: ['x', 'sx', 'zx', 'sy', 'zy'], outputs: ['y'], attrs: attrs as Record<string, number> }],
          feeds: { x },
          consts: { sx: scalar(sx), zx: scalar(zx, dt), sy: scalar(sy), zy: scalar(zy, dt) },
          outputs: ['y'],
        });
        const want = Array.from(x.data as ArrayLike<number>).map((v) => clamp(rhe(fn(sx * (v - zx)) / sy) + zy, lo, hi));
        expect(maxDiff(out0(y), want)).toBeLessThanOrEqual(1);
      }
    });
  }

  it('QLinearSoftmax (opset 13 semantics, last axis and a middle axis)', () => {
    for (const axis of [-1, 1]) {
      const x = q('x', [2, 4, 6]);
      const [sx, sy] = [0.08, 1 / 256];
      const y = runGraph({
        nodes: [{ op: 'QLinearSoftmax', domain: 'com.microsoft', inputs: ['x', 'sx', 'zx', 'sy', 'zy'], outputs: ['y'], attrs: { axis, opset: 13 } }],
        feeds: { x },
        consts: { sx: scalar(sx), zx: scalar(128, 'uint8'), sy: scalar(sy), zy: scalar(0, 'uint8') },
        outputs: ['y'],
      });
      const X = Array.from(x.data as Uint8Array);
      const want = new Array<number>(48);
      const [D, inner] = axis === -1 ? [6, 1] : [4, 6];
      for (let o = 0; o < 2; o++)
        for (let j = 0; j < (axis === -1 ? 4 : 6); j++) {
          const base = axis === -1 ? o * 24 + j * 6 : o * 24 + j;
          const e = Array.from({ length: D }, (_, d) => Math.exp(sx * X[base + d * inner]));
          const s = e.reduce((p, v) => p + v, 0);
          e.forEach((v, d) => (want[base + d * inner] = clamp(rhe(v / s / sy), 0, 255)));
        }
      expect(maxDiff(out0(y), want)).toBeLessThanOrEqual(1);
    }
  });
});

describe('QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear', () => {
  const r = rng(30);
  it('QuantizeLinear per-axis int8, blocked uint8, int4 and uint16 (round half to even, saturate)', () => {
    const x = r.floats(24, -3, 3).map((v, i) => (i === 0 ? 0.25 : i === 1 ? -0.75 : v)); // ties
    const cases = [
      { dims: [2, 3, 4], axis: 1, block: 0, sdims: [3], zdt: 'int8' as const, z: [0, -3, 5], s: [0.5, 0.02, 0.1], lo: -128, hi: 127 },
      { dims: [2, 3, 4], axis: 2, block: 2, sdims: [2, 3, 2], zdt: 'uint8' as const, z: r.ints(12, 100, 150), s: r.floats(12, 0.01, 0.1), lo: 0, hi: 255 },
      { dims: [24], axis: 0, block: 0, sdims: [], zdt: 'int4' as const, z: [1], s: [0.5], lo: -8, hi: 7 },
      { dims: [24], axis: 0, block: 0, sdims: [], zdt: 'uint16' as const, z: [30000], s: [0.0001], lo: 0, hi: 65535 },
    ];
    for (const c of cases) {
      const y = runGraph({
        nodes: [{ op: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['y'], attrs: { axis: c.axis, ...(c.block ? { block_size: c.block } : {}) } }],
        feeds: { x: t('float32', c.dims, x) },
        consts: { s: t('float32', c.sdims, c.s), z: t(c.zdt, c.sdims, c.z) },
        outputs: ['y'],
      });
      expect(y.y.type).toBe(c.zdt);
      const want = x.map((v, i) => {
        let si = 0;
        if (c.sdims.length === 1) si = Math.floor(i / 4) % 3;
        else if (c.block) si = Math.floor(i / 4) * 2 + Math.floor((i % 4) / 2);
        return quantize(v, f32(c.s[si]), c.z[si], c.lo, c.hi);
      });
      expect(out0(y)).toEqual(want);
    }
  });

  it('DequantizeLinear per-axis, blocked int4 and int32 (no zero point)', () => {
    const xi = r.ints(24, -8, 7);
    const s = r.floats(6, 0.01, 1);
    const y = runGraph({
      nodes: [{ op: 'DequantizeLinear', inputs: ['x', 's', 'z'], outputs: ['y'], attrs: { axis: 0, block_size: 4 } }],
      feeds: { x: t('int4', [12, 2], xi) },
      consts: { s: t('float32', [3, 2], s), z: t('int4', [3, 2], [1, -1, 0, 2, -2, 3]) },
      outputs: ['y'],
    });
    const z = [1, -1, 0, 2, -2, 3];
    expect(out0(y)).toEqual(xi.map((v, i) => f32(f32(v - z[Math.floor(i / 8) * 2 + (i % 2)]) * s[Math.floor(i / 8) * 2 + (i % 2)])));
    const x32 = r.ints(5, -100000, 100000);
    const y32 = runGraph({ nodes: [{ op: 'DequantizeLinear', inputs: ['x', 's'], outputs: ['y'] }], feeds: { x: t('int32', [5], x32) }, consts: { s: t('float32', [], [0.001]) }, outputs: ['y'] });
    expect(out0(y32)).toEqual(x32.map((v) => f32(f32(v) * f32(0.001))));
  });

  it('DynamicQuantizeLinear: range widened to 0, zero point rounded half to even', () => {
    const x = r.floats(50, 0.5, 4);
    const o = runGraph({ nodes: [{ op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['y', 's', 'z'] }], feeds: { x: t('float32', [5, 10], x) }, outputs: ['y', 's', 'z'] });
    const s = f32(f32(Math.max(...x) - 0) / 255);
    expect(out0(o, 's')).toEqual([s]);
    expect(out0(o, 'z')).toEqual([0]);
    expect(out0(o, 'y')).toEqual(x.map((v) => quantize(v, s, 0, 0, 255)));
  });
});

describe.each(PATHS)('MatMulNBits (com.microsoft, 4-bit blocks, %s)', (_label, opts) => {
  it('matches A · dequant(B)ᵀ + bias with packed zero points', () => {
    const r = rng(40);
    const [M, K, N, bs] = [3, 40, 5, 16];
    const blocks = Math.ceil(K / bs);
    const codes = r.ints(N * blocks * bs, 0, 15);
    const packed = new Uint8Array((N * blocks * bs) / 2);
    codes.forEach((c, i) => (packed[i >> 1] |= c << ((i & 1) * 4)));
    const zps = r.ints(N * blocks, 0, 15);
    const zRow = Math.ceil(blocks / 2);
    const zPacked = new Uint8Array(N * zRow);
    zps.forEach((z, i) => {
      const n = Math.floor(i / blocks);
      const b = i % blocks;
      zPacked[n * zRow + (b >> 1)] |= z << ((b & 1) * 4);
    });
    const scales = r.floats(N * blocks, 0.01, 0.2);
    const a = r.floats(M * K, -1, 1);
    const bias = r.floats(N, -1, 1);
    const y = runGraph({
      nodes: [{ op: 'MatMulNBits', domain: 'com.microsoft', inputs: ['a', 'b', 's', 'z', '', 'bias'], outputs: ['y'], attrs: { K, N, bits: 4, block_size: bs } }],
      feeds: { a: t('float32', [M, K], a) },
      consts: { b: t('uint8', [N, blocks, bs / 2], packed), s: t('float32', [N * blocks], scales), z: t('uint8', [N * zRow], zPacked), bias: t('float32', [N], bias) },
      outputs: ['y'],
    }, opts());
    const want: number[] = [];
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = bias[n];
        for (let k = 0; k < K; k++) {
          const blk = Math.floor(k / bs);
          s += a[m * K + k] * (codes[(n * blocks + blk) * bs + (k % bs)] - zps[n * blocks + blk]) * scales[n * blocks + blk];
        }
        want.push(s);
      }
    expect(maxDiff(out0(y), want)).toBeLessThanOrEqual(1e-4);
  });
});

describe('QDQ patterns', () => {
  const floatOnly = () => {
    const reg = createOpRegistry();
    for (const c of [...floatOpConfigs, ...quantOpConfigs]) reg.register(c);
    return reg;
  };
  const r = rng(50);
  const x = r.floats(2 * 3 * 6 * 6, -1, 1);
  const w = r.ints(4 * 3 * 3 * 3, -127, 127);
  const spec: GraphSpec = {
    nodes: [
      { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
      { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
      { op: 'DequantizeLinear', inputs: ['w', 'sw', 'zw'], outputs: ['wd'], attrs: { axis: 0 } },
      { op: 'DequantizeLinear', inputs: ['b', 'sb'], outputs: ['bd'], attrs: { axis: 0 } },
      { op: 'Conv', inputs: ['xd', 'wd', 'bd'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['rl'] },
      { op: 'QuantizeLinear', inputs: ['rl', 'sy', 'zy'], outputs: ['yq'] },
      { op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['yd'] },
      { op: 'Reshape', inputs: ['yd', 'shape'], outputs: ['rs'] },
      { op: 'QuantizeLinear', inputs: ['rs', 'sy', 'zy'], outputs: ['rq'] },
      { op: 'DequantizeLinear', inputs: ['rq', 'sy', 'zy'], outputs: ['rd'] },
      { op: 'DequantizeLinear', inputs: ['m', 'sm', 'zm'], outputs: ['md'] },
      { op: 'MatMul', inputs: ['rd', 'md'], outputs: ['y'] },
    ],
    feeds: { x: t('float32', [2, 3, 6, 6], x) },
    consts: {
      sx: t('float32', [], [0.008]), zx: t('uint8', [], [128]),
      w: t('int8', [4, 3, 3, 3], w), sw: t('float32', [4], [0.002, 0.003, 0.001, 0.004]), zw: t('int8', [4], [0, 0, 0, 0]),
      b: t('int32', [4], [100, -200, 50, 0]), sb: t('float32', [4], [0.008 * 0.002, 0.008 * 0.003, 0.008 * 0.001, 0.008 * 0.004].map(f32)),
      sy: t('float32', [], [0.01]), zy: t('uint8', [], [0]),
      shape: { dtype: 'int64', dims: [2], data: new BigInt64Array([2n, 144n]) },
      m: t('int8', [144, 3], r.ints(432, -100, 100)), sm: t('float32', [], [0.01]), zm: t('int8', [], [0]),
    },
    outputs: ['y'],
  };

  it('fuse DQ → Conv → ReLU → Q, drop Q/DQ around Reshape, and DQ → MatMul → MatMulIntegerToFloat', () => {
    const compiled = compileGraph(buildGraph(spec), { registry: defaultRegistry() });
    const ops = compiled.nodes.map((s) => `${s.node.domain ? `${s.node.domain}:` : ''}${s.node.opType}`);
    expect(ops).toEqual(['QuantizeLinear', 'ai.octet:QLinearConv', 'Reshape', 'ai.octet:MatMulIntegerToFloat']);
  });

  it.each(PATHS)('the fused graph computes what the float QDQ graph computes (%s)', (_l, opts) => {
    const fused = out0(runGraph(spec, opts()));
    const plain = out0(runGraph(spec, { registry: floatOnly() }));
    // The integer path rounds once where the float path rounds in a different order: one output
    // quantization step of the conv (0.01) times |m|·scale summed over K bounds the difference.
    const scale = 0.01 * 0.01 * 100 * 144;
    expect(maxDiff(fused, plain)).toBeLessThanOrEqual(scale);
    expect(maxDiff(fused, plain)).toBeLessThanOrEqual(0.05 * Math.max(...plain.map(Math.abs)));
  });
});

describe('weight-only QDQ: blocked int4 DequantizeLinear → MatMul', () => {
  const floatOnly = () => {
    const reg = createOpRegistry();
    for (const c of [...floatOpConfigs, ...quantOpConfigs]) reg.register(c);
    return reg;
  };
  const r = rng(60);
  const [M, K, N, bs] = [3, 40, 6, 16];
  const blocks = Math.ceil(K / bs);
  for (const dtype of ['int4', 'uint4'] as const) {
    const [lo, hi] = dtype === 'int4' ? [-8, 7] : [0, 15];
    const spec: GraphSpec = {
      nodes: [
        { op: 'DequantizeLinear', inputs: ['w', 's', 'z'], outputs: ['wd'], attrs: { axis: 0, block_size: bs } },
        { op: 'MatMul', inputs: ['x', 'wd'], outputs: ['y'] },
      ],
      feeds: { x: t('float32', [M, K], r.floats(M * K, -1, 1)) },
      consts: { w: t(dtype, [K, N], r.ints(K * N, lo, hi)), s: t('float32', [blocks, N], r.floats(blocks * N, 0.01, 0.1)), z: t(dtype, [blocks, N], r.ints(blocks * N, lo, hi)) },
      outputs: ['y'],
    };
    it(`${dtype}: becomes MatMulNBits and computes what the float graph computes`, () => {
      const ops = compileGraph(buildGraph(spec), { registry: defaultRegistry() }).nodes.map((s) => `${s.node.domain}:${s.node.opType}`);
      expect(ops).toEqual(['ai.octet:MatMulNBits']);
      const plain = out0(runGraph(spec, { registry: floatOnly() }));
      for (const [, opts] of PATHS) expect(maxDiff(out0(runGraph(spec, opts())), plain)).toBeLessThanOrEqual(1e-5);
    });
  }
});
