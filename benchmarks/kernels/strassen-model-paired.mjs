// End-to-end paired comparison of the Strassen level (not a test): one model run by Octet 1 thread
// with Strassen on (strassenConfig(), the baseline builds' default), by Octet 1 thread with it off,
// and by onnxruntime-web (wasm, 1 thread), alternating in ONE process.
//
//   flock /tmp/octet-bench.lock node benchmarks/kernels/strassen-model-paired.mjs minilm_l6 [--batch 1]
//        [--variants ort_dynamic] [--rounds 30] [--cpu] [--set minM=…,aBlockBytes=…]
//
// Prints ort-web ÷ Octet for both configurations and plain ÷ Strassen (> 1: Strassen is faster).
// Model names and feeds as in benchmarks/models (cases.mjs).
import { readFileSync } from 'node:fs';
import { loadKernels, strassenConfig } from '@octet/kernels';
import { createSession } from '@octet/runtime';
import * as ort from 'onnxruntime-web';
import { feeds, modelPath, variantsOf } from '../models/cases.mjs';
import { ensureMiniLM } from '../models/minilm.mjs';

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const model = process.argv[2];
if (!model || model.startsWith('--')) throw new Error('usage: strassen-model-paired.mjs <model> [--batch N] [--variants a,b] [--rounds R] [--cpu]');
const batch = Number(arg('--batch', 32));
const rounds = Number(arg('--rounds', 15));
const variants = arg('--variants', variantsOf(model).join(',')).split(',');
const set = Object.fromEntries((arg('--set', '') || '').split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
const cpu = process.argv.includes('--cpu');
const now = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
if (model === 'minilm_l6') await ensureMiniLM();
ort.env.wasm.numThreads = 1;
const on = await loadKernels({ variant: 'simd' });
const off = await loadKernels({ variant: 'simd' });
// both sides set explicitly: strassenConfig() with the --set overrides against strassen: null
on.gemmConfig.strassen = { ...strassenConfig(), ...set };
off.gemmConfig.strassen = null;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const v of variants) {
  const bytes = new Uint8Array(readFileSync(modelPath(model, v)));
  const f = feeds(model, batch);
  const octetFeeds = Object.fromEntries(f.map((t) => [t.name, t]));
  const ortFeeds = Object.fromEntries(f.map((t) => [t.name, new ort.Tensor(t.type, t.data, t.dims)]));
  const sOn = await createSession(bytes, { kernels: on });
  const sOff = await createSession(bytes, { kernels: off });
  const w = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const peers = { strassen: () => sOn.run(octetFeeds), plain: () => sOff.run(octetFeeds), 'ort-web': () => w.run(ortFeeds) };
  // outputs of both Octet configurations must be bit-identical
  const [a, b] = [await peers.strassen(), await peers.plain()];
  const same = Object.keys(a).every((k) => a[k].data.every((x, i) => Object.is(x, b[k].data[i])));
  for (const run of Object.values(peers)) {
    const t0 = performance.now();
    for (let i = 0; i < 10 || performance.now() - t0 < 2000; i++) await run();
  }
  const ms = { strassen: [], plain: [], 'ort-web': [] };
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    for (const [id, run] of Object.entries(peers)) {
      const t0 = now();
      await run();
      ms[id].push(now() - t0);
    }
    ratios.push(ms.plain.at(-1) / ms.strassen.at(-1));
  }
  const m = Object.fromEntries(Object.entries(ms).map(([id, xs]) => [id, median(xs)]));
  console.log(
    `${model}/${v}/b${batch}: Octet Strassen ${m.strassen.toFixed(2)} ms, plain ${m.plain.toFixed(2)} ms, ort-web ${m['ort-web'].toFixed(2)} ms — ` +
      `ort-web ÷ Octet: Strassen ${(m['ort-web'] / m.strassen).toFixed(2)}×, plain ${(m['ort-web'] / m.plain).toFixed(2)}×; ` +
      `plain ÷ Strassen ${median(ratios).toFixed(3)} (paired median); outputs bit-identical: ${same}`,
  );
  sOn.dispose();
  sOff.dispose();
  await w.release();
}
await on.dispose();
await off.dispose();
