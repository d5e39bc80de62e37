import { it } from 'vitest';
import { loadKernels } from '@octet/kernels';
import { createSession } from '../../src/index.js';
import { taskMetric } from '../fixtures.js';
import { graphOf, loadQuantizedFixture, matchRate, maxAbsDiff, outputStep, VARIANTS, runInSlices } from './quantized-fixtures.js';
const names = (process.env.FIX ?? 'mlp_diabetes,mlp_breast_cancer,cnn_digits,mobilenetv2_digits,encoder_sentiment').split(',');
const vars = (process.env.VAR ?? VARIANTS.join(',')).split(',');
for (const n of names) for (const v of vars) it(`${n} ${v}`, async () => {
  const f = loadQuantizedFixture(n, v as any);
  const step = outputStep(graphOf(f.model));
  const k = process.env.NOK ? undefined : await loadKernels();
  const t0 = performance.now();
  const s = await createSession(f.model, { kernels: k ? { kernels: k } : undefined });
  const out = await runInSlices(s, f);
  const ms = performance.now() - t0;
  const d = out.data as Float32Array, r = f.reference.data as Float32Array;
  const m = taskMetric(f.metric, d, out.dims, f.labels);
  console.log(n, v, 'step', step, 'match', step ? matchRate(d, r, step) : '-', 'maxdiff', maxAbsDiff(d, r), 'metric', m, 'ort', f.ortMetric, ms.toFixed(0) + 'ms');
}, 600000);
