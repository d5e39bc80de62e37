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
export async function runOrt(model: Uint8Array, feeds: Feeds, opts: { optimize?: boolean } = {}): Promise<HostTensor> {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    executionProviders: ['cpu'],
    ...(opts.optimize === false ? { graphOptimizationLevel: 'disabled' as const } : {}),
  });
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

// ---- tiny model builder for pass tests ----
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema as MPS,
  OperatorSetIdProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type FunctionProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';

export function valueInfo(name: string, dims?: (number | string)[], elemType = 1) {
  const shape = dims
    ? create(TensorShapeProtoSchema, {
        dim: dims.map((d) =>
          create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }),
        ),
      })
    : undefined;
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType, shape }) } }),
  });
}

export function buildModel(spec: {
  inputs: [string, (number | string)[]][];
  outputs: string[];
  nodes: NodeProto[];
  inits?: TensorProto[];
  opset?: number;
  functions?: FunctionProto[];
  extraOpsets?: [string, number][];
}): ModelProto {
  return create(MPS, {
    irVersion: 8n,
    opsetImport: [
      create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(spec.opset ?? 17) }),
      ...(spec.extraOpsets ?? []).map(([domain, v]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(v) })),
    ],
    functions: spec.functions ?? [],
    graph: create(GraphProtoSchema, {
      name: 'g',
      input: spec.inputs.map(([n, d]) => valueInfo(n, d)),
      output: spec.outputs.map((n) => create(ValueInfoProtoSchema, { name: n })),
      node: spec.nodes,
      initializer: spec.inits ?? [],
    }),
  });
}

export function randn(n: number, seed = 1, scale = 1): Float32Array {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  return a;
}

export async function runModel(model: ModelProto | Uint8Array, feeds: Feeds, opts: { optimize?: boolean } = {}): Promise<Float32Array> {
  const bytes = model instanceof Uint8Array ? model : toBinary(MPS, model);
  return (await runOrt(bytes, feeds, opts)).data as Float32Array;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
