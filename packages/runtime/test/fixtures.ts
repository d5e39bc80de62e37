// Shared fixture loading for the fp32 fixture tests (direct API and onnxruntime-common adapter).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Tensor, TensorValue } from '../src/index.js';
import { readTensorPb, testData } from './helpers.js';

export interface Fixture {
  name: string;
  model: Uint8Array;
  inputs: Tensor[];
  labels: Tensor;
  reference: Tensor;
  metrics: { metric: 'accuracy' | 'rmse'; fp32: number; inputs: string[] };
}

export function fixtureNames(): string[] {
  const dir = testData('fixtures');
  return readdirSync(dir).filter((n) => existsSync(`${dir}/${n}/model.onnx`)).sort();
}

export function loadFixture(name: string): Fixture {
  const d = testData(`fixtures/${name}`);
  const metrics = JSON.parse(readFileSync(`${d}/ref/metrics.json`, 'utf8'));
  return {
    name,
    model: new Uint8Array(readFileSync(`${d}/model.onnx`)),
    inputs: metrics.inputs.map((_: string, i: number) => readTensorPb(`${d}/test/input_${i}.pb`)),
    labels: readTensorPb(`${d}/test/labels.pb`),
    reference: readTensorPb(`${d}/ref/fp32_output_0.pb`),
    metrics,
  };
}

export function feedsOf(f: Fixture): Record<string, TensorValue> {
  return Object.fromEntries(f.metrics.inputs.map((n, i) => [n, { type: f.inputs[i].dtype, dims: f.inputs[i].dims, data: f.inputs[i].data }]));
}

/**
 * Largest |out − ref| / max(|ref|, 1): relative error, absolute below 1 (logits near zero differ
 * by fp32 summation order alone) — i.e. numpy's allclose with rtol = atol.
 */
export function maxRelativeError(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1));
  return worst;
}

/** The fixture's task metric: accuracy (argmax vs int64 labels) or RMSE (float labels). */
export function taskMetric(metric: 'accuracy' | 'rmse', out: ArrayLike<number>, dims: readonly number[], labels: Tensor): number {
  const n = dims[0];
  const k = out.length / n;
  if (metric === 'rmse') {
    let s = 0;
    for (let i = 0; i < n; i++) s += (out[i * k] - Number(labels.data[i])) ** 2;
    return Math.sqrt(s / n);
  }
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
    if (best === Number(labels.data[i])) correct++;
  }
  return correct / n;
}
