// Fixture inputs and references for the adapter tests (read from test-data/, never ../shared).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeTensorProto } from '@octet/onnx';
import { tensorFromProto, type Tensor } from '@octet/runtime';

const root = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));

export const FIXTURES = ['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits', 'mobilenetv2_digits', 'encoder_sentiment'] as const;

export function modelPath(name: string): string {
  return `${root}${name}/model.onnx`;
}

export function pb(name: string, file: string): Tensor {
  return tensorFromProto(decodeTensorProto(new Uint8Array(readFileSync(`${root}${name}/${file}`))), file);
}

export function fixture(name: string) {
  const metrics = JSON.parse(readFileSync(`${root}${name}/ref/metrics.json`, 'utf8')) as { inputs: string[]; metric: 'accuracy' | 'rmse'; fp32: number };
  return {
    metrics,
    inputs: metrics.inputs.map((_, i) => pb(name, `test/input_${i}.pb`)),
    labels: pb(name, 'test/labels.pb'),
    reference: pb(name, 'ref/fp32_output_0.pb'),
  };
}

/** numpy allclose-style relative error: |a − b| / max(|b|, 1). */
export function maxRelativeError(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1));
  return worst;
}

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
