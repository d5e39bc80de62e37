// End to end: quantize, serve the int8 model over HTTP, check its predictions against ONNX
// Runtime (float model on onnxruntime-node, and ORT's own static QDQ int8 outputs in the fixture).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTensorFile } from '@octet/quantizer/node';
import { FIXTURE_DIR } from './paths.js';
import { quantizeRegressionModel } from './quantize-model.js';
import { createPredictor, type Predictor } from './predictor.js';
import { createPredictionServer, listen } from './server.js';
import { compare, rmse, testRows, writeComparisonReport } from './compare.js';

const metrics = JSON.parse(readFileSync(join(FIXTURE_DIR, 'ref/metrics.json'), 'utf8')) as { ort_qdq: number; fp32: number };
const ortQdq = Array.from(readTensorFile(join(FIXTURE_DIR, 'ref/ort_qdq_output_0.pb')).tensor.data as Float32Array);
const { rows, labels } = testRows(FIXTURE_DIR);

let dir: string;
let int8Path: string;
let float: Predictor;
let int8: Predictor;
let server: Server;
let base: string;
let floatPredictions: number[];

async function post(body: unknown, path = '/predict') {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octet-tabular-'));
  int8Path = join(dir, 'model.int8.onnx');
  await quantizeRegressionModel(FIXTURE_DIR, int8Path);
  float = await createPredictor(join(FIXTURE_DIR, 'model.onnx'), 'cpu');
  int8 = await createPredictor(int8Path, 'octet');
  floatPredictions = await float.predict(rows);
  server = createPredictionServer(int8);
  base = `http://127.0.0.1:${await listen(server, 0)}`;
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await float?.release();
  await int8?.release();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tabular regression app', () => {
  it('quantizes the model to int8 (smaller file)', () => {
    expect(statSync(int8Path).size).toBeLessThan(statSync(join(FIXTURE_DIR, 'model.onnx')).size);
  });

  it('POST /predict answers single rows like ONNX Runtime\'s int8 model, within int8 error of the float model', async () => {
    // The quantization error of this model, as ONNX Runtime's own int8 model shows it.
    const ortInt8Error = Math.max(...ortQdq.map((v, i) => Math.abs(v - floatPredictions[i])));
    for (const i of [0, 1, 17, 64, 132]) {
      const { status, json } = await post({ features: rows[i] });
      expect(status).toBe(200);
      const p = json.prediction as number;
      expect(typeof p).toBe('number');
      expect(Math.abs(p - ortQdq[i])).toBeLessThan(1.5); // same quantization, rounding differences only
      expect(Math.abs(p - floatPredictions[i])).toBeLessThanOrEqual(ortInt8Error + 1.5);
    }
  });

  it('a batch over the whole test set has the RMSE of ONNX Runtime\'s static QDQ int8 model', async () => {
    const { status, json } = await post({ features: rows });
    expect(status).toBe(200);
    const predictions = json.predictions as number[];
    expect(predictions).toHaveLength(labels.length);
    expect(Math.abs(rmse(predictions, labels) - metrics.ort_qdq)).toBeLessThan(1);
    // Distance to the float model: the same as ORT's int8 model's, within 5 %.
    const ours = rmse(predictions, floatPredictions);
    const ort = rmse(ortQdq, floatPredictions);
    expect(ours).toBeGreaterThan(0);
    expect(Math.abs(ours - ort)).toBeLessThan(0.05 * ort);
  });

  it('rejects malformed requests with a message naming the problem', async () => {
    expect(await post('not json')).toEqual({ status: 400, json: { error: 'body is not JSON' } });
    expect(await post({ features: [1, 2, 3] })).toEqual({ status: 400, json: { error: 'features: expected 10 numbers' } });
    expect(await post({ features: [rows[0], [...rows[1].slice(0, 9), 'x']] })).toEqual({ status: 400, json: { error: 'features[1][9]: not a finite number' } });
    expect((await post({ features: rows[0] }, '/nope')).status).toBe(404);
    expect((await fetch(base + '/predict')).status).toBe(405);
  });

  it('writes the float-vs-int8 report with the predictions scatter plot', async () => {
    const c = await compare(FIXTURE_DIR, float, int8);
    expect(c.rmse.float).toBeCloseTo(metrics.fp32, 2);
    const path = join(dir, 'report.html');
    await writeComparisonReport(path, c, { float: statSync(join(FIXTURE_DIR, 'model.onnx')).size, quantized: statSync(int8Path).size });
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('prediction');
    expect(html).toContain('RMSE');
  });
});
