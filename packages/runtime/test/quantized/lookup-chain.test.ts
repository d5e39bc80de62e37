// DQ → element-wise float chain → Q fused into one lookup table (qdq-lookup-chain pattern).
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { buildGraph, maxDiff, rng, runGraph, t, type GraphSpec } from './op-harness.js';
import { clamp, erfRef, rhe } from './reference.js';


let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

describe('DQ → element-wise float ops → Q as one table', () => {
  const cases = [
    { name: 'GELU inner part: x / √2 → Erf', dtype: 'uint8' as const, nodes: [['Div', 'c', false], ['Erf']], f: (v: number) => erfRef(v / Math.SQRT2), c: Math.SQRT2 },
    { name: '1 − x → Sigmoid → × 3 (int8)', dtype: 'int8' as const, nodes: [['Sub', 'c', true], ['Sigmoid'], ['Mul', 'c3', false]], f: (v: number) => 3 / (1 + Math.exp(-(1 - v))), c: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const signed = c.dtype === 'int8';
      const [lo, hi] = signed ? [-128, 127] : [0, 255];
      const r = rng(9);
      const x = t(c.dtype, [3, 87], r.ints(261, lo, hi));
      const [sx, zx, sy, zy] = [0.04, signed ? -3 : 131, signed ? 0.013 : 1 / 128, signed ? -120 : 128];
      const nodes: GraphSpec['nodes'] = [{ op: 'DequantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['v0'] }];
      c.nodes.forEach(([op, k, first], i) => {
        const ins = k === undefined ? [`v${i}`] : first ? [k as string, `v${i}`] : [`v${i}`, k as string];
        nodes.push({ op: op as string, inputs: ins, outputs: [`v${i + 1}`] });
      });
      nodes.push({ op: 'QuantizeLinear', inputs: [`v${c.nodes.length}`, 'sy', 'zy'], outputs: ['y'] });
      const spec: GraphSpec = {
        nodes,
        feeds: { x },
        consts: { sx: t('float32', [], [sx]), zx: t(c.dtype, [], [zx]), sy: t('float32', [], [sy]), zy: t(c.dtype, [], [zy]), c: t('float32', [], [c.c]), c3: t('float32', [], [3]) },
        outputs: ['y'],
      };
      const compiled = compileGraph(buildGraph(spec), { registry: defaultRegistry() });
      expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['QLinearLookupChain']);
      const y = runGraph(spec);
      const want = Array.from(x.data as ArrayLike<number>).map((q) => clamp(rhe(c.f(sx * (q - zx)) / sy) + zy, lo, hi));
      expect(maxDiff(Array.from(y.y.data as ArrayLike<number>), want)).toBeLessThanOrEqual(1);
      // the WASM table kernel gives the TypeScript loop's bytes
      expect(Array.from(runGraph(spec, { kernels }).y.data as ArrayLike<number>)).toEqual(Array.from(y.y.data as ArrayLike<number>));
    });
  }

  it('leaves a chain alone when an intermediate value has another reader', () => {
    const x = t('uint8', [8], [0, 10, 50, 100, 128, 200, 250, 255]);
    const spec: GraphSpec = {
      nodes: [
        { op: 'DequantizeLinear', inputs: ['x', 's', 'z'], outputs: ['v'] },
        { op: 'Erf', inputs: ['v'], outputs: ['e'] },
        { op: 'QuantizeLinear', inputs: ['e', 's', 'z'], outputs: ['y'] },
      ],
      feeds: { x },
      consts: { s: t('float32', [], [0.01]), z: t('uint8', [], [128]) },
      outputs: ['y', 'e'],
    };
    const compiled = compileGraph(buildGraph(spec), { registry: defaultRegistry() });
    expect(compiled.nodes.map((n) => n.node.opType)).toContain('Erf');
  });
});

describe('QLinearAdd / QLinearMul with a constant scalar or per-column operand as tables', () => {
  for (const op of ['QLinearAdd', 'QLinearMul'] as const) {
    for (const dt of ['uint8', 'int8'] as const) {
      for (const [constFirst, cDims] of [[false, []], [true, []], [true, [19]], [false, [1, 19]]] as const) {
        it(`${op} ${dt}, constant ${constFirst ? 'A' : 'B'} [${cDims.join(', ')}]: the tables give the kernel's bytes`, () => {
          const signed = dt === 'int8';
          const [lo, hi] = signed ? [-128, 127] : [0, 255];
          const r = rng(constFirst ? 3 : 4);
          const x = t(dt, [3, 5, 19], r.ints(285, lo, hi));
          const c = t(dt, [...cDims], cDims.length ? r.ints(19, lo, hi) : [signed ? -7 : 250]);
          const params = {
            sx: t('float32', [], [0.031]), zx: t(dt, [], [signed ? 5 : 130]), sc: t('float32', [], [0.0039]), zc: t(dt, [], [signed ? 0 : 3]),
            sy: t('float32', [], [op === 'QLinearAdd' ? 0.035 : 0.02]), zy: t(dt, [], [signed ? -10 : 120]),
          };
          const inputs = constFirst ? ['c', 'sc', 'zc', 'x', 'sx', 'zx', 'sy', 'zy'] : ['x', 'sx', 'zx', 'c', 'sc', 'zc', 'sy', 'zy'];
          const node = { op, domain: 'com.microsoft', inputs, outputs: ['y'] };
          const asConst = runGraph({ nodes: [node], feeds: { x }, consts: { c, ...params }, outputs: ['y'] }, { kernels });
          const asFeed = runGraph({ nodes: [node], feeds: { x, c }, consts: params, outputs: ['y'] }, { kernels });
          expect(Array.from(asConst.y.data as ArrayLike<number>)).toEqual(Array.from(asFeed.y.data as ArrayLike<number>));
        });
      }
    }
  }
});
