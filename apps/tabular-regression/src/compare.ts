// Step 4: float vs int8 on the test rows, and the report with the predictions scatter plot.
import { join } from 'node:path';
import { readDataDir, readLabels } from '@octet/quantizer/node';
import { writeReport } from '@octet/report/node';
import type { Predictor } from './predictor.js';

export interface Comparison {
  float: number[];
  int8: number[];
  labels: number[];
  rmse: { float: number; int8: number };
}

export function rmse(pred: readonly number[], truth: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - truth[i]) ** 2;
  return Math.sqrt(s / pred.length);
}

export function testRows(fixtureDir: string): { rows: number[][]; labels: number[] } {
  const x = readDataDir(join(fixtureDir, 'test'), ['x']).x;
  const [n, f] = x.dims;
  const data = Array.from(x.data as Float32Array);
  const rows = Array.from({ length: n }, (_, i) => data.slice(i * f, (i + 1) * f));
  return { rows, labels: Array.from(readLabels(join(fixtureDir, 'test')).data as ArrayLike<number>, Number) };
}

export async function compare(fixtureDir: string, float: Predictor, int8: Predictor): Promise<Comparison> {
  const { rows, labels } = testRows(fixtureDir);
  const f = await float.predict(rows);
  const q = await int8.predict(rows);
  return { float: f, int8: q, labels, rmse: { float: rmse(f, labels), int8: rmse(q, labels) } };
}

export async function writeComparisonReport(path: string, c: Comparison, sizes: { float: number; quantized: number }): Promise<void> {
  await writeReport(path, {
    title: 'Tabular regression: float vs int8',
    model: { name: 'mlp_diabetes', mode: 'static int8 (QDQ)' },
    summary: {
      metrics: [{ name: 'RMSE', higherIsBetter: false, float: c.rmse.float, quantized: c.rmse.int8, samples: c.labels.length }],
      sizeBytes: sizes,
    },
    outputs: [{ name: 'prediction', float: Float32Array.from(c.float), quantized: Float32Array.from(c.int8) }],
  });
}
