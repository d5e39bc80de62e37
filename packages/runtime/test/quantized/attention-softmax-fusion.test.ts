// fuse-attention-softmax: scores → Div/Mul → [Q → DQ] → Add(mask) → Softmax → [Q] becomes one
// ai.octet AttentionSoftmax (with kernels) and computes what the separate ops compute (the session
// without kernels keeps the separate float ops, so it is the unfused reference).
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile.js';
import { createOpRegistry } from '../../src/op-registry-impl.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { buildGraph, rng, runGraph, t, type GraphSpec } from './op-harness.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

interface Case {
  name: string;
  scale: 'Div' | 'Mul' | 'none';
  roundTrip?: 'uint8' | 'int8';
  out?: 'uint8' | 'int8';
  maskDims?: number[];
  readerOf?: string;
}

const [B, H, T] = [2, 3, 19];

function spec(c: Case): GraphSpec {
  const r = rng(c.name.length * 7 + 1);
  const x = t('float32', [B, H, T, T], r.floats(B * H * T * T, -30, 30));
  const nodes: GraphSpec['nodes'] = [];
  const consts: GraphSpec['consts'] = { c: t('float32', [], [c.scale === 'Div' ? 5.656854 : 0.17677669]) };
  const feeds: GraphSpec['feeds'] = { x };
  let cur = 'x';
  if (c.scale !== 'none') {
    nodes.push({ op: c.scale, inputs: [cur, 'c'], outputs: ['s'] });
    cur = 's';
  }
  if (c.roundTrip) {
    const signed = c.roundTrip === 'int8';
    consts.qs = t('float32', [], [0.047]);
    consts.qz = t(c.roundTrip, [], [signed ? -4 : 125]);
    nodes.push({ op: 'QuantizeLinear', inputs: [cur, 'qs', 'qz'], outputs: ['q'] }, { op: 'DequantizeLinear', inputs: ['q', 'qs', 'qz'], outputs: ['dq'] });
    cur = 'dq';
  }
  if (c.maskDims) {
    const size = c.maskDims.reduce((a, d) => a * d, 1);
    feeds.mask = t('float32', c.maskDims, Array.from({ length: size }, (_, i) => (i % T === 0 || r.float(0, 1) < 0.6 ? 0 : -10000)));
    // the mask first: the pattern finds the scores side by its scale / round-trip step
    nodes.push({ op: 'Add', inputs: ['mask', cur], outputs: ['a'] });
    cur = 'a';
  }
  nodes.push({ op: 'Softmax', inputs: [cur], outputs: ['p'] });
  let out = 'p';
  if (c.out) {
    consts.ys = t('float32', [], [c.out === 'int8' ? 1 / 256 : 1 / 255]);
    consts.yz = t(c.out, [], [c.out === 'int8' ? -128 : 0]);
    nodes.push({ op: 'QuantizeLinear', inputs: ['p', 'ys', 'yz'], outputs: ['y'] });
    out = 'y';
  }
  return { nodes, feeds, consts, outputs: c.readerOf ? [out, c.readerOf] : [out], opset: 17 };
}

const cases: Case[] = [
  { name: 'QDQ attention: Div → Q → DQ → Add([b,1,1,T] mask) → Softmax → Q (uint8)', scale: 'Div', roundTrip: 'uint8', out: 'uint8', maskDims: [B, 1, 1, T] },
  { name: 'int8 round trip and output, Mul scale, [1,T] mask', scale: 'Mul', roundTrip: 'int8', out: 'int8', maskDims: [1, T] },
  { name: 'float attention: Div → Add([b,1,1,T] mask) → Softmax', scale: 'Div', maskDims: [B, 1, 1, T] },
  { name: 'float, per-query mask [b,1,T,T] (materialised broadcast)', scale: 'Mul', maskDims: [B, 1, T, T] },
  { name: 'no mask: Mul → Softmax → Q', scale: 'Mul', out: 'uint8' },
];

describe('fuse-attention-softmax', () => {
  for (const c of cases) {
    it(`${c.name}: one AttentionSoftmax, the separate ops' values`, () => {
      const s = spec(c);
      const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
      expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['AttentionSoftmax']);
      const ref = runGraph(s);
      const want = Array.from((ref.y ?? ref.p).data, Number);
      const out = runGraph(s, { kernels });
      const got = Array.from((out.y ?? out.p).data, Number);
      expect(got.length).toBe(want.length);
      let differ = 0;
      let worst = 0;
      for (let i = 0; i < want.length; i++) {
        const e = c.out ? Math.abs(got[i] - want[i]) : Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-30);
        if (!(e <= worst)) worst = e;
        if (got[i] !== want[i]) differ++;
      }
      if (c.out) {
        // the exp polynomial and the sum order move a rounding tie now and then
        expect(worst).toBeLessThanOrEqual(1);
        expect(differ / want.length).toBeLessThan(0.01);
      } else {
        expect(worst).toBeLessThan(1e-5);
      }
    });
  }

  it('keeps the separate ops when an intermediate value has another reader', () => {
    const s = spec({ name: 'reader', scale: 'Div', roundTrip: 'uint8', out: 'uint8', maskDims: [B, 1, 1, T], readerOf: 'dq' });
    const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
    const ops = compiled.nodes.map((n) => n.node.opType);
    expect(ops).toContain('DequantizeLinear');
    expect(ops).toContain('AttentionSoftmax'); // Add → Softmax → Q still fuse
  });
});

describe('QDQ attention from uint8 Q and K: the integer product writes uint8 scores', () => {
  // DQ(q), DQ(k) → MatMul → Div → Q → DQ → Add(mask) → Softmax → Q: after the QDQ fusion QKᵀ is an
  // integer product; with the round trip it requantizes to uint8 itself and the softmax reads bytes.
  const [b, h, T2, d] = [2, 3, 17, 8];
  const r = rng(31);
  const u8 = (n: number) => r.ints(n, 0, 255);
  const spec = (): GraphSpec => ({
    nodes: [
      { op: 'DequantizeLinear', inputs: ['q', 'sq', 'zq'], outputs: ['qf'] },
      { op: 'DequantizeLinear', inputs: ['k', 'sk', 'zk'], outputs: ['kf'] },
      { op: 'MatMul', inputs: ['qf', 'kf'], outputs: ['s'] },
      { op: 'Div', inputs: ['s', 'c'], outputs: ['sd'] },
      { op: 'QuantizeLinear', inputs: ['sd', 'qs', 'qz'], outputs: ['sq8'] },
      { op: 'DequantizeLinear', inputs: ['sq8', 'qs', 'qz'], outputs: ['sdq'] },
      { op: 'Add', inputs: ['sdq', 'mask'], outputs: ['a'] },
      { op: 'Softmax', inputs: ['a'], outputs: ['p'] },
      { op: 'QuantizeLinear', inputs: ['p', 'ys', 'yz'], outputs: ['y'] },
    ],
    feeds: {
      q: t('uint8', [b, h, T2, d], qData), k: t('uint8', [b, h, d, T2], kData),
      mask: t('float32', [b, 1, 1, T2], Array.from({ length: b * T2 }, (_, i) => (i % T2 === 0 || i % 3 ? 0 : -10000))),
    },
    consts: {
      sq: t('float32', [], [0.05]), zq: t('uint8', [], [128]), sk: t('float32', [], [0.04]), zk: t('uint8', [], [120]),
      c: t('float32', [], [Math.sqrt(d)]), qs: t('float32', [], [0.021]), qz: t('uint8', [], [130]),
      ys: t('float32', [], [1 / 255]), yz: t('uint8', [], [0]),
    },
    outputs: ['y'],
    opset: 17,
  });
  const qData = u8(b * h * T2 * d);
  const kData = u8(b * h * d * T2);

  it('becomes QLinearMatMul → AttentionSoftmax with the separate ops\' bytes (within a rounding tie)', () => {
    const compiled = compileGraph(buildGraph(spec()), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['QLinearMatMul', 'AttentionSoftmax']);
    const plain = createOpRegistry();
    for (const op of defaultRegistry().ops()) plain.register(op);
    const want = Array.from(runGraph(spec(), { registry: plain }).y.data, Number);
    for (const k of [kernels, undefined]) {
      const got = Array.from(runGraph(spec(), { kernels: k }).y.data, Number);
      let differ = 0;
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1);
        if (got[i] !== want[i]) differ++;
      }
      expect(differ / want.length).toBeLessThan(0.01);
    }
  });
});
