// fuse-gelu: the decomposed GELU (Div √2 → Erf → Add 1 → Mul x → Mul 0.5) becomes one Gelu node and
// computes what the five float ops compute.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../src/compile.js';
import { defaultRegistry } from '../src/register-all-ops.js';
import { buildGraph, runGraph, t, type GraphSpec } from './quantized/op-harness.js';
import { erfRef } from './quantized/reference.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

const x = t('float32', [3, 50], Array.from({ length: 150 }, (_, i) => Math.fround((i - 75) / 12)));
const spec = (first: 'Div' | 'Mul', extraReader = false): GraphSpec => ({
  nodes: [
    { op: first, inputs: ['x', 'c'], outputs: ['s'] },
    { op: 'Erf', inputs: ['s'], outputs: ['e'] },
    { op: 'Add', inputs: ['e', 'one'], outputs: ['p'] },
    { op: 'Mul', inputs: ['x', 'p'], outputs: ['m'] },
    { op: 'Mul', inputs: ['m', 'half'], outputs: ['y'] },
  ],
  feeds: { x },
  consts: { c: t('float32', [], [first === 'Div' ? Math.SQRT2 : Math.SQRT1_2]), one: t('float32', [], [1]), half: t('float32', [], [0.5]) },
  outputs: extraReader ? ['y', 'e'] : ['y'],
  opset: 17,
});

describe('fuse-decomposed-gelu', () => {
  for (const first of ['Div', 'Mul'] as const) {
    it(`x ${first === 'Div' ? '/ √2' : '· 1/√2'} → … becomes one Gelu with the same values`, () => {
      const compiled = compileGraph(buildGraph(spec(first)), { registry: defaultRegistry(), kernels });
      expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['Gelu']);
      const want = Array.from(x.data as Float32Array).map((v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2)));
      for (const k of [kernels, undefined]) {
        const y = Array.from(runGraph(spec(first), { kernels: k }).y.data as Float32Array);
        y.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(want[i]))));
      }
    });
  }

  it('(x · 0.5) · (erf(x · 1/√2) + 1), the quantizers\' spelling, becomes one Gelu too', () => {
    const s: GraphSpec = {
      ...spec('Mul'),
      nodes: [
        { op: 'Mul', inputs: ['x', 'half'], outputs: ['h'] },
        { op: 'Mul', inputs: ['x', 'c'], outputs: ['s'] },
        { op: 'Erf', inputs: ['s'], outputs: ['e'] },
        { op: 'Add', inputs: ['e', 'one'], outputs: ['p'] },
        { op: 'Mul', inputs: ['h', 'p'], outputs: ['y'] },
      ],
    };
    const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['Gelu']);
    const want = Array.from(x.data as Float32Array).map((v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2)));
    for (const k of [kernels, undefined]) {
      const y = Array.from(runGraph(s, { kernels: k }).y.data as Float32Array);
      y.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(want[i]))));
    }
  });

  it('keeps the ops when an intermediate value is read elsewhere', () => {
    const compiled = compileGraph(buildGraph(spec('Div', true)), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toContain('Erf');
  });
});
