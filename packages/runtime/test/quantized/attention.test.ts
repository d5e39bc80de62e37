// The attention path on the WASM kernels: integer matmuls of two activations (B packed at run
// time), the run-time B packer against the kernels' weight packer, and QLinearSoftmax on the
// kernels against the TypeScript path. Integer results are bit-exact against the references.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorValue } from '../../src/index.js';
import { compileGraph } from '../../src/compile.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { buildGraph } from './op-harness.js';
import { rng, runGraph, t, type GraphSpec } from './op-harness.js';
import { refAcc, refRequant } from './reference.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

const f32 = Math.fround;
const out0 = (o: Record<string, TensorValue>, name = 'y') => Array.from(o[name].data as ArrayLike<number>);

/** Batched reference: A [T, M, K], B [T, K, N] → requantized or raw accumulators. */
function refBatched(T: number, M: number, K: number, N: number, a: number[], za: number, b: number[], zb: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < T; t++) out.push(...refAcc(M, K, N, a.slice(t * M * K, (t + 1) * M * K), za, b.slice(t * K * N, (t + 1) * K * N), [zb]));
  return out;
}

/** A QLinearMatMul of two activations [T, M, K] × [T, K, N] and its reference output. */
function qlinearMatMulCase(T: number, M: number, K: number, N: number, aSigned: boolean, bSigned: boolean, seed: number): { spec: GraphSpec; want: number[] } {
  const r = rng(seed);
  const [alo, ahi] = aSigned ? [-128, 127] : [0, 255];
  const [blo, bhi] = bSigned ? [-128, 127] : [0, 255];
  const a = r.ints(T * M * K, alo, ahi);
  const b = r.ints(T * K * N, blo, bhi);
  const za = r.int(alo, ahi);
  const zb = r.int(blo, bhi);
  const [sa, sb, sy, zy] = [0.03, 0.02, 0.9 * Math.sqrt(K), aSigned ? -5 : 120];
  const adt = aSigned ? 'int8' : 'uint8';
  const spec: GraphSpec = {
    nodes: [{ op: 'QLinearMatMul', inputs: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sy', 'zy'], outputs: ['y'] }],
    feeds: { a: t(adt, [T, M, K], a), b: t(bSigned ? 'int8' : 'uint8', [T, K, N], b) },
    consts: {
      sa: t('float32', [], [sa]), za: t(adt, [], [za]), sb: t('float32', [], [sb]), zb: t(bSigned ? 'int8' : 'uint8', [], [zb]),
      sy: t('float32', [], [sy]), zy: t(adt, [], [zy]),
    },
    outputs: ['y'],
  };
  const sc = f32(f32(f32(sa) * f32(sb)) / f32(sy));
  return { spec, want: refBatched(T, M, K, N, a, za, b, zb).map((acc) => refRequant(acc, sc, zy, alo, ahi)) };
}

describe('integer matmul of two activations on the kernels', () => {
  const shapes = [
    [3, 1, 5, 6],
    [2, 7, 16, 8],
    [4, 13, 33, 19],
    [2, 64, 64, 64],
    [1, 5, 130, 17],
  ];
  for (const [T, M, K, N] of shapes) {
    for (const [aSigned, bSigned] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`QLinearMatMul [${T},${M},${K}]×[${T},${K},${N}] A ${aSigned ? 's8' : 'u8'} B ${bSigned ? 's8' : 'u8'}`, () => {
        const { spec, want } = qlinearMatMulCase(T, M, K, N, aSigned, bSigned, T * 1000 + M * 100 + K + N + (aSigned ? 7 : 0) + (bSigned ? 13 : 0));
        expect(out0(runGraph(spec, { kernels }))).toEqual(want);
      });
    }
  }

  it('MatMulInteger (int32) and MatMulIntegerToFloat (float) with two activations', () => {
    const r = rng(77);
    const [T, M, K, N] = [3, 9, 40, 12];
    const a = r.ints(T * M * K, 0, 255);
    const b = r.ints(T * K * N, -128, 127);
    const feeds = { a: t('uint8', [T, M, K], a), b: t('int8', [T, K, N], b), za: t('uint8', [], [131]), zb: t('int8', [], [-3]) };
    const acc = refBatched(T, M, K, N, a, 131, b, -3);
    const mi = runGraph({ nodes: [{ op: 'MatMulInteger', inputs: ['a', 'b', 'za', 'zb'], outputs: ['y'] }], feeds, outputs: ['y'] }, { kernels });
    expect(out0(mi)).toEqual(acc);
    const [sa, sb] = [0.013, 0.021];
    const mf = runGraph(
      {
        nodes: [{ op: 'MatMulIntegerToFloat', domain: 'com.microsoft', inputs: ['a', 'b', 'sa', 'sb', 'za', 'zb'], outputs: ['y'] }],
        feeds: { ...feeds, sa: t('float32', [], [sa]) },
        consts: { sb: t('float32', [], [sb]) },
        outputs: ['y'],
      },
      { kernels },
    );
    const s = f32(f32(sa) * f32(sb));
    expect(out0(mf)).toEqual(acc.map((v) => f32(f32(v) * s)));
  });
});

describe('run-time B packer (qs8_gemm_pack_b_c2i16__wasmsimd)', () => {
  it('writes what the weight packer writes, for row-, column-contiguous and strided B', () => {
    const k = kernels;
    const pack = k.exports['qs8_gemm_pack_b_c2i16__wasmsimd'];
    const packW = k.exports['qs8_gemm_pack_w'];
    const r = rng(5);
    for (const [K, N] of [[1, 1], [2, 8], [16, 8], [33, 19], [64, 64], [47, 40], [130, 9]]) {
      for (const layout of ['rows', 'cols', 'strided'] as const) {
        for (const xor of [0, 0x80]) {
          const [rs, cs] = layout === 'rows' ? [N + 3, 1] : layout === 'cols' ? [1, K + 5] : [2 * (N + 1), 2];
          const bytes = (K - 1) * rs + (N - 1) * cs + 1;
          const src = k.heap.put(new Uint8Array(r.ints(bytes, 0, 255)));
          const Np = (N + 7) & ~7;
          const outBytes = Np * Math.ceil(K / 2) * 4;
          const d1 = k.heap.alloc(outBytes);
          const d2 = k.heap.alloc(outBytes);
          const c1 = k.heap.alloc(Np * 4);
          const c2 = k.heap.alloc(Np * 4);
          pack(src, K, N, rs, cs, xor, d1, c1);
          packW(src, K, N, rs, cs, xor, 2, 2, d2, c2);
          const u8 = k.heap.u8;
          expect(Array.from(u8.subarray(d1, d1 + outBytes)), `${K}x${N} ${layout} packed`).toEqual(Array.from(u8.subarray(d2, d2 + outBytes)));
          expect(Array.from(u8.subarray(c1, c1 + Np * 4)), `${K}x${N} ${layout} colsum`).toEqual(Array.from(u8.subarray(c2, c2 + Np * 4)));
          for (const p of [src, d1, d2, c1, c2]) k.heap.free(p);
        }
      }
    }
  });
});

describe('QLinearSoftmax on the kernels', () => {
  for (const [dt, D, rows] of [['uint8', 64, 40], ['uint8', 7, 5], ['int8', 20, 9], ['int8', 64, 3]] as const) {
    it(`${dt} rows of ${D}: equals the TypeScript path bit for bit`, () => {
      const r = rng(D * rows);
      const signed = dt === 'int8';
      const x = t(dt, [rows, D], r.ints(rows * D, signed ? -128 : 0, signed ? 127 : 255));
      const spec: GraphSpec = {
        nodes: [{ op: 'QLinearSoftmax', domain: 'com.microsoft', inputs: ['x', 'sx', 'zx', 'sy', 'zy'], outputs: ['y'], attrs: { axis: -1, opset: 13 } }],
        feeds: { x },
        consts: { sx: t('float32', [], [0.07]), zx: t(dt, [], [signed ? 3 : 128]), sy: t('float32', [], [1 / 256]), zy: t(dt, [], [signed ? -128 : 0]) },
        outputs: ['y'],
      };
      const onKernels = out0(runGraph(spec, { kernels }));
      expect(onKernels).toEqual(out0(runGraph(spec)));
    });
  }
});

describe('Transposes folded into the integer matmul of two activations', () => {
  // Multi-head attention's layout: Q, K, V as [B, T, H, D]; scores = Q·Kᵀ per head, ctx = P·V per
  // head, written back as [B, T, H, D].
  const [B, T, H, D] = [2, 11, 3, 20];
  const r = rng(99);
  const q8 = (dims: number[]) => t('uint8', dims, r.ints(dims.reduce((p, d) => p * d, 1), 0, 255));
  const consts = {
    s: t('float32', [], [0.05]), z: t('uint8', [], [128]), sy: t('float32', [], [0.7]), zy: t('uint8', [], [100]),
    sp: t('float32', [], [1 / 255]), zp: t('uint8', [], [0]), so: t('float32', [], [0.04]), zo: t('uint8', [], [120]),
  };
  const spec: GraphSpec = {
    nodes: [
      { op: 'Transpose', inputs: ['q'], outputs: ['qt'], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 2, 3, 1] } },
      { op: 'Transpose', inputs: ['v'], outputs: ['vt'], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'QLinearMatMul', inputs: ['qt', 's', 'z', 'kt', 's', 'z', 'sy', 'zy'], outputs: ['scores'] },
      { op: 'QLinearMatMul', inputs: ['p', 'sp', 'zp', 'vt', 's', 'z', 'so', 'zo'], outputs: ['ctx'] },
      { op: 'Transpose', inputs: ['ctx'], outputs: ['y'], attrs: { perm: [0, 2, 1, 3] } },
    ],
    feeds: { q: q8([B, T, H, D]), k: q8([B, T, H, D]), v: q8([B, T, H, D]), p: q8([B, H, T, T]) },
    consts,
    outputs: ['scores', 'y'],
  };

  it('removes the four Transposes on the kernels', () => {
    const compiled = compileGraph(buildGraph(spec), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['QLinearMatMul', 'QLinearMatMul']);
  });

  it('gives the unfused graph\'s results bit for bit, and the reference', () => {
    const fused = runGraph(spec, { kernels });
    const plain = runGraph(spec);
    expect(out0(fused, 'scores')).toEqual(out0(plain, 'scores'));
    expect(out0(fused, 'y')).toEqual(out0(plain, 'y'));
    expect(fused.y.dims).toEqual([B, T, H, D]);
    // reference for one head of the scores
    const Q = Array.from(spec.feeds.q.data as Uint8Array);
    const K = Array.from(spec.feeds.k.data as Uint8Array);
    const [b, h] = [1, 2];
    const qh = Array.from({ length: T * D }, (_, i) => Q[((b * T + Math.floor(i / D)) * H + h) * D + (i % D)]);
    const khT = Array.from({ length: D * T }, (_, i) => K[((b * T + (i % T)) * H + h) * D + Math.floor(i / T)]);
    const sc = f32(f32(f32(0.05) * f32(0.05)) / f32(0.7));
    const want = refAcc(T, D, T, qh, 128, khT, [128]).map((acc) => refRequant(acc, sc, 100, 0, 255));
    const off = (b * H + h) * T * T;
    expect(out0(fused, 'scores').slice(off, off + T * T)).toEqual(want);
  });

  it('the TypeScript path honours the folded permutations too (eager planning)', () => {
    const folded: GraphSpec = {
      ...spec,
      nodes: [
        { op: 'QLinearMatMul', domain: 'ai.octet', inputs: ['q', 's', 'z', 'k', 's', 'z', 'sy', 'zy'], outputs: ['scores'], attrs: { octet_perm_a: [0, 2, 1, 3], octet_perm_b: [0, 2, 3, 1] } },
        { op: 'QLinearMatMul', domain: 'ai.octet', inputs: ['p', 'sp', 'zp', 'v', 's', 'z', 'so', 'zo'], outputs: ['y'], attrs: { octet_perm_b: [0, 2, 1, 3], octet_perm_y: [0, 2, 1, 3] } },
      ],
    };
    const plain = runGraph(spec);
    const ts = runGraph(folded);
    expect(out0(ts, 'scores')).toEqual(out0(plain, 'scores'));
    expect(out0(ts, 'y')).toEqual(out0(plain, 'y'));
  });
});

describe('Transposes folded into MatMulIntegerToFloat (QKᵀ of QDQ / QOperator encoders)', () => {
  const [B, T, H, D] = [2, 9, 3, 16];
  const r = rng(77);
  const q8 = (dims: number[]) => t('uint8', dims, r.ints(dims.reduce((p, d) => p * d, 1), 0, 255));
  const feeds = { q: q8([B, T, H, D]), k: q8([B, T, H, D]) };
  const spec = (domain: string): GraphSpec => ({
    nodes: [
      { op: 'Transpose', inputs: ['q'], outputs: ['qt'], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 2, 3, 1] } },
      { op: 'MatMulIntegerToFloat', domain, inputs: ['qt', 'kt', 'sa', 'sb', 'za', 'zb'], outputs: ['scores'] },
    ],
    feeds,
    consts: { sa: t('float32', [], [0.05]), sb: t('float32', [], [0.03]), za: t('uint8', [], [128]), zb: t('uint8', [], [120]) },
    outputs: ['scores'],
  });
  for (const domain of ['com.microsoft', 'ai.octet']) {
    it(`${domain}: no Transpose left on the kernels, the unfused graph's floats bit for bit`, () => {
      const compiled = compileGraph(buildGraph(spec(domain)), { registry: defaultRegistry(), kernels });
      expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['MatMulIntegerToFloat']);
      expect(out0(runGraph(spec(domain), { kernels }), 'scores')).toEqual(out0(runGraph(spec(domain)), 'scores'));
    });
  }
});

describe('Transposes folded into a float matmul of two activations', () => {
  const [B, T, H, D] = [2, 9, 3, 12];
  const r = rng(123);
  const f = (dims: number[]) => t('float32', dims, r.floats(dims.reduce((p, d) => p * d, 1), -1, 1));
  const spec: GraphSpec = {
    nodes: [
      { op: 'Transpose', inputs: ['q'], outputs: ['qt'], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 2, 3, 1] } },
      { op: 'MatMul', inputs: ['qt', 'kt'], outputs: ['scores'] },
      { op: 'Transpose', inputs: ['v'], outputs: ['vt'], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'MatMul', inputs: ['scores', 'vt'], outputs: ['ctx'] },
      { op: 'Transpose', inputs: ['ctx'], outputs: ['y'], attrs: { perm: [0, 2, 1, 3] } },
    ],
    feeds: { q: f([B, T, H, D]), k: f([B, T, H, D]), v: f([B, T, H, D]) },
    outputs: ['y'],
  };

  it('removes the Transposes on the kernels and matches the TypeScript path', () => {
    const compiled = compileGraph(buildGraph(spec), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['MatMul', 'MatMul']);
    const fused = out0(runGraph(spec, { kernels }));
    const plain = out0(runGraph(spec));
    expect(fused.length).toBe(plain.length);
    for (let i = 0; i < plain.length; i++) expect(Math.abs(fused[i] - plain[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(plain[i])));
  });
});

describe('matmuls of two activations with the threads build: one product per thread', () => {
  let two: Kernels;
  const rounds: string[] = [];
  beforeAll(async () => {
    two = await loadKernels({ threads: 2 });
    const pool = two.pool!;
    const run = pool.run.bind(pool);
    pool.run = (symbol, args, f32Mask) => {
      if (args.length === 2) rounds.push(symbol);
      run(symbol, args, f32Mask);
    };
  });
  afterAll(async () => {
    await two?.dispose();
  });

  it('QLinearMatMul (odd product count, products above the threading size) is exact against the reference', () => {
    const [T, M, K, N] = [5, 64, 80, 64];
    for (const [aSigned, bSigned] of [[false, true], [true, false]]) {
      const { spec, want } = qlinearMatMulCase(T, M, K, N, aSigned, bSigned, T + M + K + N + (aSigned ? 1 : 0));
      rounds.length = 0;
      const y = runGraph(spec, { kernels: two });
      expect(rounds.filter((x) => x.startsWith('qu8_gemm_pack_a'))).toHaveLength(2);
      expect(out0(y)).toEqual(want);
    }
  });

  it('float MatMul of two activations equals one thread', () => {
    const [T, M, K, N] = [3, 64, 64, 40];
    const r = rng(5);
    const spec: GraphSpec = {
      nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      feeds: { a: t('float32', [T, M, K], r.ints(T * M * K, -50, 50).map((v) => v / 7)), b: t('float32', [T, K, N], r.ints(T * K * N, -50, 50).map((v) => v / 9)) },
      outputs: ['y'],
    };
    rounds.length = 0;
    const y = runGraph(spec, { kernels: two });
    // one pool round: the two threads share the three products (f32_gemm_batch_wasmsimd)
    expect(rounds.filter((x) => x === 'f32_gemm_batch_wasmsimd')).toHaveLength(1);
    expect(out0(y)).toEqual(out0(runGraph(spec, { kernels })));
  });
});
