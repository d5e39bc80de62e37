// fuse-dynamic-quantize-matmul: DynamicQuantizeLinear read only by MatMulIntegerToFloat nodes
// becomes one DynamicQuantizeMatMul (A quantized in the GEMM packing, shared by every matmul of
// the same input). Compared bit for bit with the same graph run without that pattern (the
// separate DynamicQuantizeLinear → MatMulIntegerToFloat path), on the kernels (1 and 2 threads)
// and on the TypeScript path; and checked not to apply where another node reads the quantized tensor.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpRegistry, createSession, defaultRegistry, type GraphNode, type OpRegistry, type RuntimeGraph } from '../../src/index.js';

let k1: Kernels;
let k2: Kernels;
beforeAll(async () => {
  k1 = await loadKernels({ variant: 'simd' });
  k2 = await loadKernels({ threads: 2 });
});
afterAll(async () => {
  await k1.dispose();
  await k2.dispose();
});

function withoutFusion(): OpRegistry {
  const all = defaultRegistry();
  const r = createOpRegistry();
  for (const c of all.ops()) r.register(c);
  for (const p of all.patterns) if (p.name !== 'fuse-dynamic-quantize-matmul') r.registerPattern(p);
  return r;
}

const node = (opType: string, inputs: string[], outputs: string[], attributes: GraphNode['attributes'] = new Map()): GraphNode => ({ name: outputs[0], opType, domain: '', inputs, outputs, attributes });

/**
 * x [B, T, K] → DynamicQuantizeLinear → `heads` ONNX Runtime–style dynamic matmuls
 * (MatMulInteger → Cast → Mul(x_scale·w_scale) → Add bias), outputs y0…; `extra` adds another
 * reader of the quantized tensor (a MatMulInteger whose int32 output is a graph output).
 */
function graph(K: number, Ns: number[], extra = false): RuntimeGraph {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const initializers: RuntimeGraph['initializers'] = new Map();
  const nodes: GraphNode[] = [node('DynamicQuantizeLinear', ['x'], ['xq', 'xs', 'xzp'])];
  const outputs: RuntimeGraph['outputs'] = [];
  Ns.forEach((N, h) => {
    initializers.set(`w${h}`, { dtype: 'int8', dims: [K, N], data: Int8Array.from({ length: K * N }, () => Math.floor(rnd() * 255) - 127) });
    initializers.set(`ws${h}`, { dtype: 'float32', dims: [], data: Float32Array.of(0.001 + rnd() * 0.01) });
    initializers.set(`wzp${h}`, { dtype: 'int8', dims: [], data: Int8Array.of(h % 2 === 0 ? 0 : 3) });
    initializers.set(`b${h}`, { dtype: 'float32', dims: [N], data: Float32Array.from({ length: N }, () => rnd() - 0.5) });
    nodes.push(
      node('MatMulInteger', ['xq', `w${h}`, 'xzp', `wzp${h}`], [`acc${h}`]),
      node('Cast', [`acc${h}`], [`f${h}`], new Map([['to', { kind: 'int', value: 1 }]])),
      node('Mul', ['xs', `ws${h}`], [`s${h}`]),
      node('Mul', [`f${h}`, `s${h}`], [`m${h}`]),
      node('Add', [`m${h}`, `b${h}`], [`y${h}`]),
    );
    outputs.push({ name: `y${h}`, dtype: 'float32', elemType: 1, dims: undefined });
  });
  if (extra) {
    nodes.push(node('MatMulInteger', ['xq', 'w0', 'xzp', 'wzp0'], ['raw']));
    outputs.push({ name: 'raw', dtype: 'int32', elemType: 6, dims: undefined });
  }
  return {
    opsets: new Map([['', 13]]),
    inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [null, null, K] }],
    outputs,
    initializers,
    nodes,
  };
}

function input(B: number, T: number, K: number, seed: number) {
  const data = Float32Array.from({ length: B * T * K }, (_, i) => Math.sin(i * 0.37 + seed) * 3 + Math.cos(i * 1.3) * (i % 5));
  return { x: { type: 'float32' as const, dims: [B, T, K], data } };
}

type Outputs = Awaited<ReturnType<Awaited<ReturnType<typeof createSession>>['run']>>;

/** Every output of the fused session bit-identical to the unfused one's. */
function expectSame(a: Outputs, b: Outputs, what: string): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const name of Object.keys(b)) {
    const got = a[name].data as Float32Array;
    const want = b[name].data as Float32Array;
    expect(got.length, name + what).toBe(want.length);
    const bad = got.findIndex((v, i) => !Object.is(v, want[i]));
    expect(bad, `${name}[${bad}]${what}: fused ${got[bad]}, unfused ${want[bad]}`).toBe(-1);
  }
}

async function compare(g: () => RuntimeGraph, kernels: Kernels | undefined, B: number, T: number, K: number): Promise<string[]> {
  const fused = await createSession(g(), { kernels });
  const plain = await createSession(g(), { kernels, registry: withoutFusion() });
  try {
    for (const seed of [1, 2]) {
      const feeds = input(B, T, K, seed);
      fused.startProfiling();
      const a = await fused.run(feeds);
      const ops = fused.endProfiling().map((e) => e.opType);
      expectSame(a, await plain.run(feeds), '');
      if (seed === 2) return ops;
    }
    return [];
  } finally {
    fused.dispose();
    plain.dispose();
  }
}

describe('fuse-dynamic-quantize-matmul', () => {
  const cases = [
    // B, T, K, N per matmul: edge tiles (M = 14, 13, 1, 130), K not a multiple of 8 or 16, N not of 8
    [2, 7, 37, [19, 24, 8]],
    [1, 13, 64, [40]],
    [1, 1, 100, [17, 9]],
    [2, 65, 96, [72, 72, 72]],
    // M·K ≥ 2¹⁶: the packing is split across threads too
    [2, 129, 256, [40, 40]],
  ] as const;
  for (const [label, kernels] of [['kernels, 1 thread', () => k1], ['kernels, 2 threads', () => k2], ['TypeScript', () => undefined]] as const) {
    it(`one DynamicQuantizeMatMul per quantized input, bit-identical to the unfused path (${label})`, async () => {
      for (const [B, T, K, Ns] of cases) {
        const ops = await compare(() => graph(K, [...Ns]), kernels(), B, T, K);
        expect(ops, `${B}×${T}×${K}`).toEqual(['DynamicQuantizeMatMul']);
      }
    });
  }

  it('one session run on changing shapes (packed A never reused across row counts) equals the unfused path', async () => {
    for (const kernels of [k1, k2]) {
      const K = 40;
      const fused = await createSession(graph(K, [24, 24, 16]), { kernels });
      const plain = await createSession(graph(K, [24, 24, 16]), { kernels, registry: withoutFusion() });
      try {
        for (const [B, T, seed] of [[2, 7, 1], [1, 3, 2], [2, 7, 3], [3, 40, 4], [1, 1, 5]]) {
          const feeds = input(B, T, K, seed);
          expectSame(await fused.run(feeds), await plain.run(feeds), ` ${B}×${T}`);
        }
      } finally {
        fused.dispose();
        plain.dispose();
      }
    }
  });

  it('does not apply when another node reads the quantized tensor (and stays bit-identical)', async () => {
    for (const kernels of [k1, undefined]) {
      const ops = await compare(() => graph(48, [16, 24], true), kernels, 2, 5, 48);
      expect(ops).toContain('DynamicQuantizeLinear');
      expect(ops).not.toContain('DynamicQuantizeMatMul');
    }
  });

  it('does not apply when the quantized tensor or its scale is a graph output', async () => {
    for (const out of ['xq', 'xs']) {
      const g = () => {
        const r = graph(32, [8]);
        return { ...r, outputs: [...r.outputs, { name: out, dtype: out === 'xq' ? ('uint8' as const) : ('float32' as const), elemType: out === 'xq' ? 2 : 1, dims: undefined }] };
      };
      const ops = await compare(g, k1, 1, 3, 32);
      expect(ops, out).toContain('DynamicQuantizeLinear');
    }
  });
});
