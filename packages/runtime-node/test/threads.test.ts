// Two kernel threads (worker_threads on shared memory) compute what one thread computes: the same
// fixtures at batch 32, through every path the thread pool splits (fp32 conv by output channels,
// int8 depthwise by planes or images, GEMMs by columns or rows).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Session } from '@octet/runtime';
import { createNodeSession } from '../src/session-node.js';
import { fixture, maxRelativeError } from './fixture-data.js';

const root = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));
const sessions: Session[] = [];
afterAll(() => sessions.forEach((s) => s.dispose()));

function batchOf(name: string, rows: number) {
  const f = fixture(name);
  return Object.fromEntries(
    f.metrics.inputs.map((input, i) => {
      const t = f.inputs[i];
      const row = t.data.length / t.dims[0];
      return [input, { type: t.dtype, dims: [rows, ...t.dims.slice(1)], data: t.data.slice(0, rows * row) }];
    }),
  );
}

const CASES = [
  ['mobilenetv2_digits', 'model.onnx'],
  ['mobilenetv2_digits', 'ref/ort_qdq.onnx'],
  ['mobilenetv2_digits', 'ref/ort_qop.onnx'],
  ['mobilenetv2_digits', 'ref/ort_dynamic.onnx'],
  ['cnn_digits', 'model.onnx'],
  ['encoder_sentiment', 'model.onnx'],
  ['encoder_sentiment', 'ref/ort_qdq.onnx'],
  ['encoder_sentiment', 'ref/ort_qop.onnx'],
  ['encoder_sentiment', 'ref/ort_dynamic.onnx'],
] as const;

describe('two kernel threads match one', () => {
  for (const [name, file] of CASES) {
    it(`${name}/${file} at batch 32`, async () => {
      const bytes = new Uint8Array(readFileSync(`${root}${name}/${file}`));
      const one = await createNodeSession(bytes, { numThreads: 1 });
      const two = await createNodeSession(bytes, { numThreads: 2 });
      sessions.push(one, two);
      const feeds = batchOf(name, 32);
      const a = (await one.run(feeds))[one.outputNames[0]];
      const b = (await two.run(feeds))[two.outputNames[0]];
      expect(b.dims).toEqual(a.dims);
      // integer paths are exact; fp32 may differ by summation order only
      expect(maxRelativeError(b.data as Float32Array, a.data as Float32Array)).toBeLessThanOrEqual(file === 'model.onnx' ? 1e-5 : 0);
    });
  }
});
