import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { saveModel, loadModelProto } from '@octet/onnx/node';
import { quantizeFile } from '../src/node.js';
import { QuantizerError } from '../src/errors.js';
import { loadFixture, ortExecutor, taskMetric } from '../src/test-helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'octet-quantizer-'));

async function metricOfFile(path: string, name: string) {
  const f = loadFixture(name);
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(f.test)) feeds[k] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
  const out = await session.run(feeds);
  const y = out[session.outputNames[0]];
  await session.release();
  return taskMetric(f, { type: y.type, data: y.data, dims: y.dims });
}

describe('quantizeFile', () => {
  it('refuses to overwrite its input', async () => {
    const dir = tmp();
    const p = join(dir, 'm.onnx');
    writeFileSync(p, readFileSync(loadFixture('mlp_breast_cancer').dir + '/model.onnx'));
    const before = readFileSync(p);
    await expect(quantizeFile(p, p, { mode: 'dynamic' })).rejects.toThrow(/overwrite the input/);
    await expect(quantizeFile(p, join(dir, '.', 'm.onnx'), { mode: 'dynamic' })).rejects.toThrow(QuantizerError);
    expect(readFileSync(p).equals(before)).toBe(true);
  });

  it('writes the output atomically and leaves nothing behind on failure', async () => {
    const f = loadFixture('mlp_breast_cancer');
    const dir = tmp();
    const out = join(dir, 'q.onnx');
    await expect(quantizeFile(join(f.dir, 'model.onnx'), out, { mode: 'static' })).rejects.toThrow(/calibration data/);
    expect(readdirSync(dir)).toEqual([]);
    await quantizeFile(join(f.dir, 'model.onnx'), out, { mode: 'static', calibration: f.calib, executor: ortExecutor() });
    expect(readdirSync(dir)).toEqual(['q.onnx']);
    expect(await metricOfFile(out, 'mlp_breast_cancer')).toBeGreaterThanOrEqual((f.metrics.ort_qdq as number) - 0.005);
  });

  it('reads and writes external data', async () => {
    const f = loadFixture('encoder_sentiment');
    const dir = tmp();
    const src = join(dir, 'float.onnx');
    saveModel(loadModelProto(join(f.dir, 'model.onnx')), src, { externalData: { threshold: 1024 } });
    expect(existsSync(join(dir, 'float.onnx.data'))).toBe(true);
    expect(statSync(src).size).toBeLessThan(200_000);
    const out = join(dir, 'int4.onnx');
    const { report } = await quantizeFile(src, out, { mode: 'weight-only', bits: 4, blockSize: 32 });
    expect(report.quantizedNodes.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'int4.onnx.data'))).toBe(true);
    expect(statSync(out).size).toBeLessThan(200_000);
    expect(await metricOfFile(out, 'encoder_sentiment')).toBeGreaterThanOrEqual((f.metrics.fp32 as number) - 0.005);
    // static QDQ from the external-data model as well
    const out2 = join(dir, 'qdq.onnx');
    await quantizeFile(src, out2, { mode: 'static', calibration: f.calib, executor: ortExecutor() });
    expect(await metricOfFile(out2, 'encoder_sentiment')).toBeGreaterThanOrEqual(0.89);
  });
});
