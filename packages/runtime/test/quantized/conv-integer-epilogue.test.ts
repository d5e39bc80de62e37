// ONNX Runtime's dynamic convolution, DynamicQuantizeLinear → ConvInteger → Cast → Mul(x_scale·w_scale)
// → Add(Reshape(bias)), fused into one ConvIntegerToFloat whose epilogue multiplies and adds:
// the same floats as the unfused ops, on the kernels and on the TypeScript path.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpRegistry, floatOpConfigs, type Tensor } from '../../src/index.js';
import { compileGraph } from '../../src/compile.js';
import { quantOpConfigs } from '../../src/ops/quant/index.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { buildGraph, rng, runGraph, t, type GraphSpec } from './op-harness.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels?.dispose();
});

interface Case {
  name: string;
  xd: number[];
  wd: number[];
  group: number;
  pads: number[];
  strides: number[];
}

const CASES: Case[] = [
  { name: '3×3 padded', xd: [2, 5, 9, 8], wd: [12, 5, 3, 3], group: 1, pads: [1, 1, 1, 1], strides: [1, 1] },
  { name: '1×1 on a plane smaller than the batch (images as rows)', xd: [6, 7, 2, 1], wd: [9, 7, 1, 1], group: 1, pads: [0, 0, 0, 0], strides: [1, 1] },
  { name: '1×1 on a 1×1 plane, batch 2 (GEMV rows)', xd: [2, 16, 1, 1], wd: [10, 16, 1, 1], group: 1, pads: [0, 0, 0, 0], strides: [1, 1] },
  { name: 'depthwise on a narrow plane (channels-last kernel)', xd: [3, 11, 4, 3], wd: [11, 1, 3, 3], group: 11, pads: [1, 1, 1, 1], strides: [1, 1] },
  { name: 'depthwise on a wide plane', xd: [2, 6, 9, 10], wd: [6, 1, 3, 3], group: 6, pads: [1, 1, 1, 1], strides: [2, 1] },
];

function spec(c: Case, seed: number): GraphSpec {
  const r = rng(seed);
  const M = c.wd[0];
  const nx = c.xd.reduce((p, d) => p * d, 1);
  const nw = c.wd.reduce((p, d) => p * d, 1);
  const shape: Tensor = { dtype: 'int64', dims: [3], data: BigInt64Array.from([BigInt(M), 1n, 1n]) };
  return {
    nodes: [
      { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xz'] },
      { op: 'ConvInteger', inputs: ['xq', 'w', 'xz'], outputs: ['acc'], attrs: { group: c.group, pads: c.pads, strides: c.strides } },
      { op: 'Cast', inputs: ['acc'], outputs: ['accf'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['xs', 'ws'], outputs: ['s'] },
      { op: 'Mul', inputs: ['accf', 's'], outputs: ['scaled'] },
      { op: 'Reshape', inputs: ['b', 'shape'], outputs: ['b3'] },
      { op: 'Add', inputs: ['scaled', 'b3'], outputs: ['y'] },
    ],
    feeds: { x: t('float32', c.xd, r.floats(nx, -3, 5)) },
    consts: { w: t('int8', c.wd, r.ints(nw, -127, 127)), ws: t('float32', [], [0.0123]), b: t('float32', [M], r.floats(M, -2, 2)), shape },
    outputs: ['y'],
  };
}

function unfusedRegistry() {
  const reg = createOpRegistry();
  for (const op of [...floatOpConfigs, ...quantOpConfigs]) reg.register(op);
  return reg;
}

describe('dynamic convolution: Cast, scale Mul and bias Add fused into ConvIntegerToFloat', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: the unfused ops' floats, kernels and TypeScript`, () => {
      const s = spec(c, 40 + i);
      const ops = compileGraph(buildGraph(s), { registry: defaultRegistry() }).nodes.map((n) => n.node.opType);
      // left: the quantizer, the scale product and the fused conv
      expect(ops.sort()).toEqual(['ConvIntegerToFloat', 'DynamicQuantizeLinear', 'Mul']);
      const want = Array.from(runGraph(s, { registry: unfusedRegistry() }).y.data as Float32Array);
      expect(Array.from(runGraph(s, { kernels }).y.data as Float32Array)).toEqual(want);
      expect(Array.from(runGraph(s, {}).y.data as Float32Array)).toEqual(want);
    });
  });
});
