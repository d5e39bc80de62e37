// Builds one-node (or few-node) RuntimeGraphs in code and runs them, for the quantized op unit tests.
import type { Kernels } from '@octet/kernels';
import { createSessionSync, type AttributeValue, type GraphNode, type OpRegistry, type RuntimeGraph, type Tensor, type TensorValue } from '../../src/index.js';
import { ONNX_DTYPE_CODES, type DType, type TypedArray } from '../../src/tensor.js';

export function t(dtype: DType, dims: number[], data: ArrayLike<number>): Tensor {
  const ctor = { float32: Float32Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array, uint16: Uint16Array, int16: Int16Array, int4: Int8Array, uint4: Uint8Array } as Record<string, new (a: ArrayLike<number>) => TypedArray>;
  return { dtype, dims, data: new ctor[dtype](data) };
}

export function attrs(a: Record<string, number | number[] | string>): Map<string, AttributeValue> {
  const m = new Map<string, AttributeValue>();
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === 'string') m.set(k, { kind: 'string', value: v });
    else if (Array.isArray(v)) m.set(k, { kind: 'ints', value: v });
    else if (Number.isInteger(v)) m.set(k, { kind: 'int', value: v });
    else m.set(k, { kind: 'float', value: v });
  }
  return m;
}

export interface GraphSpec {
  nodes: { op: string; domain?: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number | number[] | string> }[];
  /** Fed at run time. */
  feeds: Record<string, Tensor>;
  /** Initializers. */
  consts?: Record<string, Tensor>;
  outputs: string[];
  opset?: number;
}

export function buildGraph(s: GraphSpec): RuntimeGraph {
  const nodes: GraphNode[] = s.nodes.map((n, i) => ({
    name: `n${i}_${n.op}`,
    opType: n.op,
    domain: n.domain ?? '',
    inputs: n.inputs,
    outputs: n.outputs,
    attributes: attrs(n.attrs ?? {}),
  }));
  return {
    opsets: new Map([['', s.opset ?? 21], ['com.microsoft', 1]]),
    inputs: Object.entries(s.feeds).map(([name, v]) => ({ name, dtype: v.dtype, elemType: ONNX_DTYPE_CODES[v.dtype], dims: [...v.dims] })),
    outputs: s.outputs.map((name) => ({ name, dtype: undefined, elemType: 0, dims: undefined })),
    initializers: new Map(Object.entries(s.consts ?? {})),
    nodes,
  };
}

export function runGraph(s: GraphSpec, opts: { kernels?: Kernels; registry?: OpRegistry } = {}): Record<string, TensorValue> {
  const session = createSessionSync(buildGraph(s), { kernels: opts.kernels, registry: opts.registry });
  const feeds = Object.fromEntries(Object.entries(s.feeds).map(([k, v]) => [k, { type: v.dtype, dims: v.dims, data: v.data }]));
  const out = session.runSync(feeds);
  session.dispose();
  return out;
}

/** Deterministic pseudo-random integers/floats (xorshift). */
export function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    float: (lo: number, hi: number) => lo + next() * (hi - lo),
    ints: (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(next() * (hi - lo + 1))),
    floats: (n: number, lo: number, hi: number) => Array.from({ length: n }, () => Math.fround(lo + next() * (hi - lo))),
  };
}

/** Largest |a − b| over two arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i]) - Number(b[i])));
  return m;
}
