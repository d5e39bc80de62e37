// fuse-add-layernorm: Add → LayerNormalization (the post-LN residual) becomes one
// ai.octet AddLayerNormalization whose values equal the unfused ops bit for bit (with the kernels and
// on the TS path, same-shape and broadcasting operands); the ops stay when the sum is a graph
// output or read elsewhere, or when LayerNormalization's Mean is used.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../src/compile.js';
import { defaultRegistry } from '../src/register-all-ops.js';
import { buildGraph, rng, runGraph, t, type GraphSpec } from './quantized/op-harness.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

const random = (seed: number, dims: number[], scale: number) =>
  t('float32', dims, rng(seed).floats(dims.reduce((p, d) => p * d, 1), -scale / 2, scale / 2));
const H = 24;
const gamma = random(3, [H], 2);
const beta = random(4, [H], 1);

function spec(aDims: number[], bDims: number[], opts: { bConst?: boolean; sumOut?: boolean; sumReader?: boolean; mean?: boolean } = {}): GraphSpec {
  const a = random(1, aDims, 6);
  const b = random(2, bDims, 6);
  return {
    nodes: [
      { op: 'Add', inputs: ['a', 'b'], outputs: ['s'] },
      { op: 'LayerNormalization', inputs: ['s', 'gamma', 'beta'], outputs: opts.mean ? ['y', 'mean'] : ['y'], attrs: { axis: -1, epsilon: 1e-5 } },
      ...(opts.sumReader ? [{ op: 'Neg', inputs: ['s'], outputs: ['z'] }] : []),
    ],
    feeds: opts.bConst ? { a } : { a, b },
    consts: opts.bConst ? { b, gamma, beta } : { gamma, beta },
    outputs: ['y', ...(opts.sumOut ? ['s'] : []), ...(opts.sumReader ? ['z'] : []), ...(opts.mean ? ['mean'] : [])],
    opset: 17,
  };
}

const opTypes = (s: GraphSpec) => compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels }).nodes.map((n) => n.node.opType);

describe('fuse-add-layernorm', () => {
  const shapes: [string, number[], number[], boolean][] = [
    ['same-shape residual', [2, 5, H], [2, 5, H], false],
    ['a constant bias broadcast over rows', [2, 5, H], [H], true],
    ['a fed operand broadcast over the batch', [1, 5, H], [2, 5, H], false],
    ['both operands broadcast (each over the other\'s axis)', [2, 1, H], [1, 5, H], false],
  ];
  for (const [name, aDims, bDims, bConst] of shapes) {
    it(`${name}: one AddLayerNormalization, bit-identical to Add then LayerNormalization (kernels and TS)`, () => {
      expect(opTypes(spec(aDims, bDims, { bConst }))).toEqual(['AddLayerNormalization']);
      // the unfused ops: the sum is also a graph output, so the pattern leaves them
      const unfused = spec(aDims, bDims, { bConst, sumOut: true });
      expect(opTypes(unfused)).toEqual(['Add', 'LayerNormalization']);
      for (const k of [kernels, undefined]) {
        const got = runGraph(spec(aDims, bDims, { bConst }), { kernels: k }).y;
        const want = runGraph(unfused, { kernels: k }).y;
        expect(got.dims).toEqual(want.dims);
        expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
      }
    });
  }

  it('matches a float64 LayerNormalization of the rounded sum', () => {
    const s = spec([3, 4, H], [3, 4, H]);
    const a = s.feeds.a.data as Float32Array;
    const b = s.feeds.b.data as Float32Array;
    const y = runGraph(s, { kernels }).y.data as Float32Array;
    for (let r = 0; r < 12; r++) {
      const v = Array.from({ length: H }, (_, j) => Math.fround(a[r * H + j] + b[r * H + j]));
      const mean = v.reduce((p, x) => p + x, 0) / H;
      const inv = 1 / Math.sqrt(v.reduce((p, x) => p + (x - mean) ** 2, 0) / H + 1e-5);
      v.forEach((x, j) => {
        const want = (x - mean) * inv * (gamma.data as Float32Array)[j] + (beta.data as Float32Array)[j];
        expect(Math.abs(y[r * H + j] - want)).toBeLessThanOrEqual(5e-6 * (1 + Math.abs(want)));
      });
    }
  });

  it('keeps Add and LayerNormalization when the sum is read elsewhere or Mean is used', () => {
    expect(opTypes(spec([2, H], [2, H], { sumReader: true }))).toEqual(expect.arrayContaining(['Add', 'LayerNormalization']));
    expect(opTypes(spec([2, H], [2, H], { mean: true }))).toEqual(expect.arrayContaining(['Add', 'LayerNormalization']));
  });

  it('keeps them when the LayerNormalization also reads the sum as its scale or bias (no dangling input)', () => {
    const a = random(1, [H], 6);
    const b = random(2, [H], 6);
    for (const inputs of [['s', 's', 'beta'], ['s', 'gamma', 's']]) {
      const s: GraphSpec = {
        nodes: [
          { op: 'Add', inputs: ['a', 'b'], outputs: ['s'] },
          { op: 'LayerNormalization', inputs, outputs: ['y'], attrs: { axis: -1, epsilon: 1e-5 } },
        ],
        feeds: { a, b },
        consts: { gamma, beta },
        outputs: ['y'],
        opset: 17,
      };
      expect(opTypes(s)).toEqual(['Add', 'LayerNormalization']);
      expect(runGraph(s, { kernels }).y.dims).toEqual([H]);
    }
  });
});
