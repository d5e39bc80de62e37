// Paired comparison in ONE process (for a loaded, shared machine, where separate processes see
// different loads): Octet 1 thread (baseline SIMD build), Octet 2 threads (threads build) and
// onnxruntime-web (wasm, 1 thread) run the same model and feeds in alternation, so each ratio
// compares runs made seconds apart. Octet's direct API does not touch onnxruntime-common, so
// ort-web can share the process. Prints one line per variant; not a test, writes nothing.
//
//   flock /tmp/octet-bench.lock node benchmarks/models/paired.mjs mobilenetv2_digits [--batch 32] [--variants ort_qdq,ort_qop] [--rounds 9]
import { readFileSync } from 'node:fs';
import { loadKernels } from '@octet/kernels';
import { createSession } from '@octet/runtime';
import * as ort from 'onnxruntime-web';
import { feeds, modelPath, variantsOf } from './cases.mjs';
import { ensureMiniLM } from './minilm.mjs';

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const model = process.argv[2];
if (!model || model.startsWith('--')) throw new Error('usage: paired.mjs <model> [--batch N] [--variants a,b] [--rounds R]');
const batch = Number(arg('--batch', 32));
const rounds = Number(arg('--rounds', 9));
const variants = arg('--variants', variantsOf(model).join(',')).split(',');
if (model === 'minilm_l6') await ensureMiniLM();
ort.env.wasm.numThreads = 1;
const one = await loadKernels({ variant: 'simd' });
const two = await loadKernels({ threads: 2 });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const v of variants) {
  const bytes = new Uint8Array(readFileSync(modelPath(model, v)));
  const f = feeds(model, batch);
  const octetFeeds = Object.fromEntries(f.map((t) => [t.name, t]));
  const ortFeeds = Object.fromEntries(f.map((t) => [t.name, new ort.Tensor(t.type, t.data, t.dims)]));
  const s1 = await createSession(bytes, { kernels: one });
  const s2 = await createSession(bytes, { kernels: two });
  const w = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const peers = { '1t': () => s1.run(octetFeeds), '2t': () => s2.run(octetFeeds), 'ort-web': () => w.run(ortFeeds) };
  // Warm up for at least 15 runs and 2 s per peer: for the first seconds of a process V8 is still
  // tiering up the wasm modules in the background and the 2-thread session reads 2–4× slow.
  for (const run of Object.values(peers)) {
    const t0 = performance.now();
    for (let i = 0; i < 15 || performance.now() - t0 < 2000; i++) await run();
  }
  const ms = { '1t': [], '2t': [], 'ort-web': [] };
  for (let r = 0; r < rounds; r++) {
    for (const [id, run] of Object.entries(peers)) {
      const t0 = performance.now();
      await run();
      ms[id].push(performance.now() - t0);
    }
  }
  const m = Object.fromEntries(Object.entries(ms).map(([id, xs]) => [id, median(xs)]));
  console.log(
    `${model}/${v}/b${batch}: Octet 1t ${m['1t'].toFixed(2)} ms, 2t ${m['2t'].toFixed(2)} ms, ort-web ${m['ort-web'].toFixed(2)} ms — ` +
      `ort-web ÷ Octet 1t ${(m['ort-web'] / m['1t']).toFixed(2)}×, 1t ÷ 2t ${(m['1t'] / m['2t']).toFixed(2)}×`,
  );
  s1.dispose();
  s2.dispose();
  await w.release();
}
await one.dispose();
await two.dispose();
