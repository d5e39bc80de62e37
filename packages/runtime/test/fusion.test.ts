import { loadKernels } from '@octet/kernels';
import { describe, expect, it } from 'vitest';
import { createOpRegistry, createSession, floatOpConfigs, type GraphNode, type RuntimeGraph } from '../src/index.js';

const kernels = await loadKernels({ variant: 'simd' });

// y = Clip(Conv(x, W, b), 0, 6) and z = Relu(Conv(x, W2)); bounds as Constant nodes (opset 13).
function graph(): RuntimeGraph {
  const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 2);
  const node = (opType: string, inputs: string[], outputs: string[], attributes: GraphNode['attributes'] = new Map()): GraphNode => ({ name: outputs[0], opType, domain: '', inputs, outputs, attributes });
  const scalar = (v: number) => ({ kind: 'tensor' as const, value: { dtype: 'float32' as const, dims: [], data: Float32Array.from([v]) } });
  return {
    opsets: new Map([['', 13]]),
    inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [null, 3, 9, 9] }],
    outputs: [
      { name: 'y', dtype: 'float32', elemType: 1, dims: undefined },
      { name: 'z', dtype: 'float32', elemType: 1, dims: undefined },
    ],
    initializers: new Map([
      ['W', { dtype: 'float32', dims: [4, 3, 3, 3], data: rnd(108, 1) }],
      ['b', { dtype: 'float32', dims: [4], data: rnd(4, 2) }],
      ['W2', { dtype: 'float32', dims: [5, 3, 1, 1], data: rnd(15, 3) }],
    ]),
    nodes: [
      node('Constant', [], ['lo'], new Map([['value', scalar(0)]])),
      node('Constant', [], ['hi'], new Map([['value', scalar(6)]])),
      node('Conv', ['x', 'W', 'b'], ['c1'], new Map([['pads', { kind: 'ints', value: [1, 1, 1, 1] }], ['strides', { kind: 'ints', value: [2, 2] }]])),
      node('Clip', ['c1', 'lo', 'hi'], ['y']),
      node('Conv', ['x', 'W2'], ['c2']),
      node('Relu', ['c2'], ['z']),
    ],
  };
}

describe('fuse-conv-activation', () => {
  const x = { type: 'float32' as const, dims: [2, 3, 9, 9], data: Float32Array.from({ length: 486 }, (_, i) => Math.cos(i) * 5) };
  const unfused = createOpRegistry();
  for (const c of floatOpConfigs) unfused.register(c);

  for (const [label, k] of [['WASM kernels', kernels], ['TypeScript', undefined]] as const) {
    it(`fuses Conv → Clip and Conv → Relu into FusedConv with the same results (${label})`, async () => {
      const g = graph();
      const fused = await createSession(g, { kernels: k });
      const plain = await createSession(graph(), { kernels: k, registry: unfused });
      fused.startProfiling();
      await fused.run({ x });
      const a = await fused.run({ x });
      const ops = fused.endProfiling().map((e) => e.opType).sort();
      expect(ops).toEqual(['FusedConv', 'FusedConv']);
      const b = await plain.run({ x });
      expect(a.y.dims).toEqual([2, 4, 5, 5]);
      for (const name of ['y', 'z']) {
        const p = a[name].data as Float32Array;
        const q = b[name].data as Float32Array;
        for (let i = 0; i < q.length; i++) expect(Math.abs(p[i] - q[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(q[i])));
      }
      expect(Math.max(...(a.y.data as Float32Array))).toBeLessThanOrEqual(6);
      expect(Math.min(...(a.z.data as Float32Array))).toBe(0);
      // The caller's graph is left as it was.
      expect(g.nodes.map((n) => n.opType)).toEqual(['Constant', 'Constant', 'Conv', 'Clip', 'Conv', 'Relu']);
    });
  }
});

describe('fuse-matmul-bias', () => {
  const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 7.31 + seed));
  const node = (opType: string, inputs: string[], outputs: string[]): GraphNode => ({ name: outputs[0], opType, domain: '', inputs, outputs, attributes: new Map() });
  // y = A·W + b (bias second) and z = c + A·W2 (bias first); u = A·W2 stays unfused (two consumers).
  const graph = (): RuntimeGraph => ({
    opsets: new Map([['', 17]]),
    inputs: [{ name: 'a', dtype: 'float32', elemType: 1, dims: [null, 3, 4] }],
    outputs: ['y', 'z', 'u'].map((name) => ({ name, dtype: 'float32' as const, elemType: 1, dims: undefined })),
    initializers: new Map([
      ['W', { dtype: 'float32', dims: [4, 5], data: rnd(20, 1) }],
      ['b', { dtype: 'float32', dims: [5], data: rnd(5, 2) }],
      ['W2', { dtype: 'float32', dims: [4, 6], data: rnd(24, 3) }],
      ['c', { dtype: 'float32', dims: [1, 6], data: rnd(6, 4) }],
    ]),
    nodes: [
      node('MatMul', ['a', 'W'], ['aw']),
      node('Add', ['aw', 'b'], ['y']),
      node('MatMul', ['a', 'W2'], ['aw2']),
      node('Add', ['c', 'aw2'], ['z']),
      node('Relu', ['aw2'], ['u']),
    ],
  });
  const unfused = createOpRegistry();
  for (const c of floatOpConfigs) unfused.register(c);
  const a = { type: 'float32' as const, dims: [2, 3, 4], data: rnd(24, 5) };

  for (const [label, k] of [['WASM kernels', kernels], ['TypeScript', undefined]] as const) {
    it(`adds the bias in the GEMM with the same results (${label})`, async () => {
      const fused = await createSession(graph(), { kernels: k });
      const plain = await createSession(graph(), { kernels: k, registry: unfused });
      await fused.run({ a });
      fused.startProfiling();
      const x = await fused.run({ a });
      const ops = fused.endProfiling().map((e) => e.opType).sort();
      expect(ops).toEqual(['MatMul', 'MatMulAdd', 'Relu', 'Add'].sort());
      const y = await plain.run({ a });
      for (const name of ['y', 'z', 'u']) {
        expect(x[name].dims).toEqual(y[name].dims);
        const p = x[name].data as Float32Array;
        const q = y[name].data as Float32Array;
        for (let i = 0; i < q.length; i++) expect(Math.abs(p[i] - q[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(q[i])));
      }
    });
  }
});

describe('fuse-gemm-relu', () => {
  const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 3.7 + seed) * 2);
  const node = (opType: string, inputs: string[], outputs: string[], attributes: GraphNode['attributes'] = new Map()): GraphNode => ({ name: outputs[0], opType, domain: '', inputs, outputs, attributes });
  // h = Relu(Gemm(x, W1ᵀ, b1)) (bias fused); y = Relu(Gemm(h, W2, C2 [1, N], beta 0.5)) (C added after).
  const graph = (): RuntimeGraph => ({
    opsets: new Map([['', 17]]),
    inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [null, 6] }],
    outputs: [{ name: 'y', dtype: 'float32', elemType: 1, dims: undefined }],
    initializers: new Map([
      ['W1', { dtype: 'float32', dims: [8, 6], data: rnd(48, 1) }],
      ['b1', { dtype: 'float32', dims: [8], data: rnd(8, 2) }],
      ['W2', { dtype: 'float32', dims: [8, 3], data: rnd(24, 3) }],
      ['C2', { dtype: 'float32', dims: [1, 3], data: rnd(3, 4) }],
    ]),
    nodes: [
      node('Gemm', ['x', 'W1', 'b1'], ['g1'], new Map([['transB', { kind: 'int', value: 1 }]])),
      node('Relu', ['g1'], ['h']),
      node('Gemm', ['h', 'W2', 'C2'], ['g2'], new Map([['beta', { kind: 'float', value: 0.5 }]])),
      node('Relu', ['g2'], ['y']),
    ],
  });
  const unfused = createOpRegistry();
  for (const c of floatOpConfigs) unfused.register(c);
  const x = { type: 'float32' as const, dims: [5, 6], data: rnd(30, 5) };
  for (const [label, k] of [['WASM kernels', kernels], ['TypeScript', undefined]] as const) {
    it(`matches Gemm then Relu (${label})`, async () => {
      const fused = await createSession(graph(), { kernels: k });
      const plain = await createSession(graph(), { kernels: k, registry: unfused });
      await fused.run({ x });
      fused.startProfiling();
      const a = await fused.run({ x });
      expect(fused.endProfiling().map((e) => e.opType)).toEqual(['FusedGemm', 'FusedGemm']);
      const b = await plain.run({ x });
      const p = a.y.data as Float32Array;
      const q = b.y.data as Float32Array;
      expect(q.some((v) => v === 0) && q.some((v) => v > 0)).toBe(true);
      for (let i = 0; i < q.length; i++) expect(Math.abs(p[i] - q[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(q[i])));
    });
  }
});
