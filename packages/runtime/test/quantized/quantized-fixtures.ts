// Loading the ORT-quantized fixture variants and judging outputs against ONNX Runtime's.
import { readFileSync } from 'node:fs';
import { compileGraph } from '../../src/compile.js';
import { graphFromModel, type GraphNode, type RuntimeGraph, type Session, type Tensor, type TensorValue } from '../../src/index.js';
import { decodeModel } from '../../src/model-from-onnx.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { readTensorPb, testData } from '../helpers.js';

export const VARIANTS = ['ort_qdq', 'ort_qop', 'ort_dynamic'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface QuantizedFixture {
  name: string;
  variant: Variant;
  model: Uint8Array;
  inputs: Tensor[];
  inputNames: string[];
  labels: Tensor;
  reference: Tensor;
  metric: 'accuracy' | 'rmse';
  /** ORT's metric for this variant (ref/metrics.json). */
  ortMetric: number;
}

export function loadQuantizedFixture(name: string, variant: Variant): QuantizedFixture {
  const d = testData(`fixtures/${name}`);
  const metrics = JSON.parse(readFileSync(`${d}/ref/metrics.json`, 'utf8'));
  return {
    name,
    variant,
    model: new Uint8Array(readFileSync(`${d}/ref/${variant}.onnx`)),
    inputNames: metrics.inputs,
    inputs: metrics.inputs.map((_: string, i: number) => readTensorPb(`${d}/test/input_${i}.pb`)),
    labels: readTensorPb(`${d}/test/labels.pb`),
    reference: readTensorPb(`${d}/ref/${variant}_output_0.pb`),
    metric: metrics.metric,
    ortMetric: metrics[variant],
  };
}

export function feedsOf(f: QuantizedFixture): Record<string, TensorValue> {
  return Object.fromEntries(f.inputNames.map((n, i) => [n, { type: f.inputs[i].dtype, dims: f.inputs[i].dims, data: f.inputs[i].data }]));
}

export function graphOf(model: Uint8Array): RuntimeGraph {
  return graphFromModel(decodeModel(model));
}

/**
 * The quantization step of the model's output: the scale of the DequantizeLinear that produces
 * graph output 0 (undefined when the output is not dequantized, e.g. dynamic quantization).
 */
export function outputStep(graph: RuntimeGraph): number | undefined {
  const out = graph.outputs[0].name;
  const dq = graph.nodes.find((n) => n.outputs.includes(out));
  if (!dq || dq.opType !== 'DequantizeLinear') return undefined;
  const scale = graph.initializers.get(dq.inputs[1]);
  return scale && scale.data.length === 1 ? Number(scale.data[0]) : undefined;
}

/** Op types (domain-qualified when not ai.onnx) of the nodes left to run after compilation. */
export function compiledOps(model: Uint8Array): string[] {
  return compiledNodes(model).map((n) => (n.domain ? `${n.domain}:${n.opType}` : n.opType));
}

export function compiledNodes(model: Uint8Array): GraphNode[] {
  return compileGraph(graphOf(model), { registry: defaultRegistry() }).nodes.map((s) => s.node);
}

/** Fraction of elements with |out − ref| ≤ tol (plus a hair for float rounding of the step itself). */
export function matchRate(out: ArrayLike<number>, ref: ArrayLike<number>, tol: number): number {
  let ok = 0;
  for (let i = 0; i < ref.length; i++) if (Math.abs(out[i] - ref[i]) <= tol * (1 + 1e-5)) ok++;
  return ok / ref.length;
}

export function maxAbsDiff(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(out[i] - ref[i]));
  return m;
}

/**
 * ONNX Runtime's reference outputs were computed on the test set in slices of 64 samples, which
 * matters for dynamic quantization (the activation range is per run): run the same slices.
 */
export const REFERENCE_SLICE = 64;

export async function runInSlices(session: Session, f: QuantizedFixture): Promise<TensorValue> {
  const n = f.inputs[0].dims[0];
  const parts: TensorValue[] = [];
  for (let start = 0; start < n; start += REFERENCE_SLICE) {
    const end = Math.min(n, start + REFERENCE_SLICE);
    const feeds: Record<string, TensorValue> = {};
    f.inputNames.forEach((name, i) => {
      const t = f.inputs[i];
      const row = t.data.length / n;
      feeds[name] = { type: t.dtype, dims: [end - start, ...t.dims.slice(1)], data: t.data.slice(start * row, end * row) };
    });
    parts.push((await session.run(feeds))[session.outputNames[0]]);
  }
  const total = parts.reduce((s, p) => s + p.data.length, 0);
  const data = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p.data as Float32Array, o);
    o += p.data.length;
  }
  return { type: 'float32', dims: [n, ...parts[0].dims.slice(1)], data };
}
