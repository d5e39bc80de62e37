// float16 models on a runtime without half-precision arithmetic: a compile-time lowering that
// keeps every float16 value in float32 inside the graph. Initializers and tensor attributes are
// widened (exactly: every half value is a float32 value), a Cast to float16 (or a CastLike to a
// value known to be float16) still rounds to half precision (a Cast to float16 then back to
// float32), and float16 graph inputs and outputs stay float16 at the session boundary through
// Casts, so callers still feed and get half bit patterns (Uint16Array, as onnxruntime-common does). Ops then only ever see float32, at float32 speed;
// results differ from a half-precision runtime by at most the intermediate roundings it skips.

import { float16BitsToNumber } from '@octet/onnx';
import type { AttributeValue, GraphNode, RuntimeGraph } from './graph.js';
import { ONNX_DTYPE_CODES, type Tensor, type TypedArray } from './tensor.js';

const F16 = ONNX_DTYPE_CODES.float16;
const F32 = ONNX_DTYPE_CODES.float32;

const isHalf = (t: Tensor) => t.dtype === 'float16';

function widen(t: Tensor): Tensor {
  const src = t.data as Uint16Array;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = float16BitsToNumber(src[i]);
  return { dtype: 'float32', dims: t.dims, data: out as TypedArray };
}

const castsToHalf = (n: GraphNode) => {
  const to = n.attributes.get('to');
  return n.opType === 'Cast' && (n.domain === '' || n.domain === 'ai.onnx') && to?.kind === 'int' && to.value === F16;
};

const hasHalfAttribute = (n: GraphNode) => [...n.attributes.values()].some((a) => a.kind === 'tensor' && isHalf(a.value));

/** Whether the graph holds any float16 value the lowering has to rewrite. */
export function usesFloat16(graph: RuntimeGraph): boolean {
  return (
    graph.inputs.some((v) => v.dtype === 'float16') ||
    graph.outputs.some((v) => v.dtype === 'float16') ||
    [...graph.initializers.values()].some(isHalf) ||
    graph.nodes.some((n) => castsToHalf(n) || hasHalfAttribute(n))
  );
}

/**
 * Returns a graph computing in float32 wherever the source computes in float16 (the source graph
 * is not modified). Graphs without float16 values are returned as they are.
 */
export function lowerFloat16(source: RuntimeGraph): RuntimeGraph {
  if (!usesFloat16(source)) return source;
  const taken = new Set<string>([...source.initializers.keys(), ...source.inputs.map((v) => v.name)]);
  for (const n of source.nodes) for (const o of n.outputs) taken.add(o);
  const fresh = (base: string) => {
    let name = `${base}::f32`;
    for (let k = 1; taken.has(name); k++) name = `${base}::f32_${k}`;
    taken.add(name);
    return name;
  };
  const cast = (name: string, input: string, output: string, to: number): GraphNode => ({
    name: `${name}::octet_float16`,
    opType: 'Cast',
    domain: '',
    inputs: [input],
    outputs: [output],
    attributes: new Map<string, AttributeValue>([['to', { kind: 'int', value: to }]]),
  });

  const initializers = new Map<string, Tensor>();
  for (const [name, t] of source.initializers) initializers.set(name, isHalf(t) ? widen(t) : t);

  const rename = new Map<string, string>(); // boundary float16 name → its float32 twin inside the graph
  const head: GraphNode[] = [];
  for (const v of source.inputs) {
    if (v.dtype !== 'float16') continue;
    const inner = fresh(v.name);
    rename.set(v.name, inner);
    head.push(cast(v.name, v.name, inner, F32));
  }
  const tail: GraphNode[] = [];
  const inputNames = new Set(source.inputs.map((v) => v.name));
  for (const v of source.outputs) {
    if (v.dtype !== 'float16' || rename.has(v.name)) continue; // an input passed straight through stays float16
    const inner = fresh(v.name);
    rename.set(v.name, inner);
    if (initializers.has(v.name) && !inputNames.has(v.name)) {
      initializers.set(inner, initializers.get(v.name)!);
      initializers.delete(v.name);
    }
    tail.push(cast(v.name, inner, v.name, F16));
  }
  const r = (x: string) => rename.get(x) ?? x;

  // Values known to be float16 without type inference: CastLike to one of them rounds like a Cast.
  const known = new Set<string>([...source.inputs.filter((v) => v.dtype === 'float16').map((v) => v.name)]);
  for (const [name, t] of source.initializers) if (isHalf(t)) known.add(name);
  const nodes: GraphNode[] = [...head];
  for (const n of source.nodes) {
    const attributes = new Map<string, AttributeValue>();
    for (const [k, a] of n.attributes) attributes.set(k, a.kind === 'tensor' && isHalf(a.value) ? { kind: 'tensor', value: widen(a.value) } : a);
    let lowered: GraphNode = { ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r), attributes };
    const likeHalf = n.opType === 'CastLike' && (n.domain === '' || n.domain === 'ai.onnx') && known.has(n.inputs[1]);
    if (castsToHalf(n) || likeHalf || hasHalfAttribute(n)) known.add(n.outputs[0]);
    if (likeHalf) lowered = { ...lowered, opType: 'Cast', inputs: [lowered.inputs[0]], attributes: new Map([['to', { kind: 'int', value: F16 }]]) };
    if (!castsToHalf(n) && !likeHalf) {
      nodes.push(lowered);
      continue;
    }
    // Cast to float16 = round to half precision, then carry the value on as float32.
    const rounded = fresh(`${n.outputs[0]}_half`);
    nodes.push({ ...lowered, outputs: [rounded] });
    nodes.push(cast(n.name, rounded, lowered.outputs[0], F32));
  }
  nodes.push(...tail);
  return { ...source, initializers, nodes };
}
