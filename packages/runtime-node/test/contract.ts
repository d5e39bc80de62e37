// The onnxruntime-common contract, run against one `ort`-like module (a given common version, or
// onnxruntime-node / onnxruntime-web's own copy): register, create from path and bytes, run with
// ort Tensors, metadata, fetches, errors, release.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { register } from '../src/index.js';
import { fixture, maxRelativeError, modelPath, taskMetric } from './fixture-data.js';

// Structural view of the ort API surface the contract uses (same across 1.2x versions).
interface OrtTensor {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}
export interface OrtModule {
  registerBackend(name: string, backend: never, priority: number): void;
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(model: string | Uint8Array, options?: object): Promise<{
      inputNames: readonly string[];
      outputNames: readonly string[];
      inputMetadata?: readonly unknown[];
      run(feeds: Record<string, OrtTensor>, fetches?: unknown, options?: object): Promise<Record<string, OrtTensor>>;
      release(): Promise<void>;
    }>;
  };
}

export function registerOn(ort: OrtModule): { created: () => number } {
  const backend = register(ort, { numThreads: 1 });
  let n = 0;
  const create = backend.createInferenceSessionHandler.bind(backend);
  backend.createInferenceSessionHandler = (...args) => {
    n++;
    return create(...args);
  };
  return { created: () => n };
}

export async function checkFixture(ort: OrtModule, name: string, source: 'path' | 'bytes'): Promise<void> {
  const f = fixture(name);
  const model = source === 'path' ? modelPath(name) : new Uint8Array(readFileSync(modelPath(name)));
  const s = await ort.InferenceSession.create(model, { executionProviders: ['octet'] });
  expect(s.inputNames).toEqual(f.metrics.inputs);
  const feeds: Record<string, OrtTensor> = {};
  f.metrics.inputs.forEach((n, i) => (feeds[n] = new ort.Tensor(f.inputs[i].dtype, f.inputs[i].data, f.inputs[i].dims)));
  const out = (await s.run(feeds))[s.outputNames[0]];
  expect(out).toBeInstanceOf(ort.Tensor);
  expect(out.type).toBe('float32');
  expect([...out.dims]).toEqual(f.reference.dims);
  expect(maxRelativeError(out.data as Float32Array, f.reference.data as Float32Array)).toBeLessThan(1e-4);
  const metric = taskMetric(f.metrics.metric, out.data as Float32Array, out.dims, f.labels);
  expect(Math.abs(metric - f.metrics.fp32)).toBeLessThanOrEqual(1e-5 * Math.max(1, f.metrics.fp32));
  await s.release();
}

export async function checkErrorsAndFetches(ort: OrtModule): Promise<void> {
  const f = fixture('mlp_breast_cancer');
  const s = await ort.InferenceSession.create(modelPath('mlp_breast_cancer'), { executionProviders: ['octet'] });
  const x = f.inputs[0];
  const good = { x: new ort.Tensor('float32', x.data, x.dims) };
  await expect(s.run({ x: new ort.Tensor('float32', new Float32Array(3 * 7), [3, 7]) })).rejects.toThrow(/dimension 1 is 7, the model expects 30/);
  await expect(s.run({ x: new ort.Tensor('int32', new Int32Array(x.data.length), x.dims) })).rejects.toThrow(/has type int32, the model expects float32/);
  // A failed run leaves the session usable.
  const out = await s.run(good, [s.outputNames[0]]);
  expect(maxRelativeError(out[s.outputNames[0]].data as Float32Array, f.reference.data as Float32Array)).toBeLessThan(1e-4);
  // Pre-allocated fetches are filled in place.
  const pre = new ort.Tensor('float32', new Float32Array(f.reference.data.length), f.reference.dims);
  const filled = await s.run(good, { [s.outputNames[0]]: pre });
  expect(filled[s.outputNames[0]].data).toBe(pre.data);
  expect(maxRelativeError(pre.data as Float32Array, f.reference.data as Float32Array)).toBeLessThan(1e-4);
  if (s.inputMetadata) expect(s.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 30] });
  await s.release();
}
