import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '@octet/onnx/node';
import { fixture, octet, tempDir } from '../test-helpers.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.remove());

describe('models with external data', () => {
  it('inspect, eval and quantize read it; --external-data writes it', async () => {
    tmp = tempDir();
    const name = 'cnn_digits';
    const metrics = JSON.parse(readFileSync(fixture(name, 'ref', 'metrics.json'), 'utf8'));
    const model = join(tmp.path, 'model.onnx');
    saveModel(loadModel(fixture(name, 'model.onnx')), model, { externalData: { threshold: 256 } });
    expect(readdirSync(tmp.path).sort()).toEqual(['model.onnx', 'model.onnx.data']);

    const s = JSON.parse((await octet('inspect', model, '--json')).out);
    expect(s.externalTensors).toBeGreaterThanOrEqual(4);

    const e = await octet('eval', model, '--data', fixture(name, 'test'), '--metric', 'accuracy', '--json');
    expect(e.err).toBe('');
    expect(JSON.parse(e.out).value).toBeCloseTo(metrics.fp32, 6);

    const out = join(tmp.path, 'q.onnx');
    const q = await octet('quantize', model, '-o', out, '--calib', fixture(name, 'calib'), '--external-data', '--json');
    expect(q.err).toBe('');
    expect(q.code).toBe(0);
    expect(existsSync(`${out}.data`)).toBe(true);
    expect(JSON.parse(q.out).bytes.output).toBe(readFileSync(out).length + readFileSync(`${out}.data`).length);
    expect(JSON.parse((await octet('inspect', out, '--json')).out).externalTensors).toBeGreaterThan(0);
    const qe = await octet('eval', out, '--data', fixture(name, 'test'), '--metric', 'accuracy', '--json');
    expect(qe.err).toBe('');
    expect(JSON.parse(qe.out).value).toBeGreaterThanOrEqual(metrics.ort_qdq - 0.005);
  });

  it("refuses an output whose .data file is the input's external data", async () => {
    tmp = tempDir();
    const model = join(tmp.path, 'model.onnx');
    saveModel(loadModel(fixture('mlp_diabetes', 'model.onnx')), model, { externalData: { threshold: 256, location: 'q.onnx.data' } });
    const before = readFileSync(join(tmp.path, 'q.onnx.data'));
    const r = await octet('quantize', model, '-o', join(tmp.path, 'q.onnx'), '--external-data');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/q\.onnx\.data holds the input model's tensors/);
    expect(readFileSync(join(tmp.path, 'q.onnx.data')).equals(before)).toBe(true);
    expect(existsSync(join(tmp.path, 'q.onnx'))).toBe(false);
  });
});
