// Fixture access for tests: models, data and reference results from test-data/fixtures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { readDataDir, readLabels, readTensorFile } from './data-dir.js';
import type { Feeds, HostTensor } from './executor/executor.js';
import { createOrtExecutor, type OrtLike } from './executor/ort-executor.js';

export const FIXTURES = process.env.OCTET_FIXTURES ?? fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));
export const ortExecutor = () => createOrtExecutor(ort as unknown as OrtLike);

export interface Fixture {
  name: string;
  dir: string;
  model: Uint8Array;
  inputNames: string[];
  calib: Feeds;
  test: Feeds;
  labels: HostTensor;
  metrics: Record<string, number | string | unknown>;
  metric: 'accuracy' | 'rmse';
}

export function loadFixture(name: string): Fixture {
  const dir = join(FIXTURES, name);
  const model = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  const m = fromBinary(ModelProtoSchema, model);
  const inits = new Set(m.graph!.initializer.map((t) => t.name));
  const inputNames = m.graph!.input.map((i) => i.name).filter((n) => !inits.has(n));
  const metrics = JSON.parse(readFileSync(join(dir, 'ref/metrics.json'), 'utf8'));
  return {
    name,
    dir,
    model,
    inputNames,
    calib: readDataDir(join(dir, 'calib'), inputNames),
    test: readDataDir(join(dir, 'test'), inputNames),
    labels: readLabels(join(dir, 'test')),
    metrics,
    metric: metrics.metric,
  };
}

export function refOutput(f: Fixture, variant: string): HostTensor {
  return readTensorFile(join(f.dir, 'ref', `${variant}_output_0.pb`)).tensor;
}

/** Runs a model in onnxruntime-node (CPU, one thread) on the fixture's test inputs. */
export async function runOrt(model: Uint8Array, feeds: Feeds): Promise<HostTensor> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    const out = await session.run(ortFeeds);
    const t = out[session.outputNames[0]];
    return { type: t.type, data: t.data, dims: t.dims };
  } finally {
    await session.release();
  }
}

export function taskMetric(f: Fixture, out: HostTensor): number {
  const y = out.data as Float32Array;
  if (f.metric === 'rmse') {
    const l = f.labels.data as Float32Array;
    let s = 0;
    for (let i = 0; i < l.length; i++) s += (y[i] - l[i]) ** 2;
    return Math.sqrt(s / l.length);
  }
  const l = f.labels.data as BigInt64Array;
  const classes = out.dims[1];
  let correct = 0;
  for (let i = 0; i < l.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (y[i * classes + c] > y[i * classes + best]) best = c;
    if (BigInt(best) === l[i]) correct++;
  }
  return correct / l.length;
}

/** "At least the reference minus 0.5 points": accuracy in [0,1] → 0.005; RMSE lower-is-better → +0.5. */
export function meetsReference(f: Fixture, value: number, ref: number): boolean {
  return f.metric === 'rmse' ? value <= ref + 0.5 : value >= ref - 0.005;
}
