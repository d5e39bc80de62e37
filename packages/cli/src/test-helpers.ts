// Shared by the CLI tests: fixture paths, running `main` with captured output, temp folders,
// accuracy in ONNX Runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensorValues } from '@octet/onnx';
import { loadTensor } from '@octet/onnx/node';
import * as ort from 'onnxruntime-node';
import { bufferIo } from './io.js';
import { main } from './main.js';

export const FIXTURES = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));

export function fixture(name: string, ...rest: string[]): string {
  return join(FIXTURES, name, ...rest);
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function octet(...argv: string[]): Promise<CliResult> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'octet-cli-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Accuracy of a model on a fixture's test set in ONNX Runtime (an engine independent of Octet's):
 * argmax of the first output against the int64 labels.
 */
export async function ortAccuracy(model: string, name: string, inputs: readonly string[]): Promise<number> {
  const s = await ort.InferenceSession.create(model);
  const feeds: Record<string, ort.Tensor> = {};
  inputs.forEach((n, i) => {
    const t = loadTensor(fixture(name, 'test', `input_${i}.pb`));
    feeds[n] = new ort.Tensor(t.dataType === 7 ? 'int64' : 'float32', tensorValues(t) as Float32Array, t.dims.map(Number));
  });
  const out = (await s.run(feeds))[s.outputNames[0]];
  await s.release();
  const labels = tensorValues(loadTensor(fixture(name, 'test', 'labels.pb'))) as BigInt64Array;
  const [n, k] = out.dims;
  const d = out.data as Float32Array;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (d[i * k + j] > d[i * k + best]) best = j;
    if (BigInt(best) === labels[i]) ok++;
  }
  return ok / n;
}
