// Paired comparison in ONE process (for a loaded, shared machine, where separate processes see
// different loads): Octet 1 thread (baseline SIMD build), Octet 2 threads (threads build) and
// onnxruntime-web (wasm, 1 thread) run the same model and feeds in alternation, so each ratio
// compares runs made seconds apart. Octet's direct API does not touch onnxruntime-common, so
// ort-web can share the process. Prints one line per variant; not a test, writes nothing.
//
//   flock /tmp/octet-bench.lock node benchmarks/models/paired.mjs mobilenetv2_digits [--batch 32] [--variants ort_qdq,ort_qop] [--rounds 9] [--peers 1t,ort-web] [--cpu] [--warm 15]
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
// --peers 1t,ort-web leaves the 2-thread session out (its spinning workers take a core from the others on a busy box)
const only = arg('--peers', '1t,2t,ort-web').split(',');
// --cpu: time by the process's CPU time, not the wall clock (immune to being descheduled on a busy
// box; meaningful for the one-thread peers only, since worker threads' CPU time adds up)
const cpu = process.argv.includes('--cpu');
const warm = Number(arg('--warm', 15));
const now = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
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
  const all = { '1t': () => s1.run(octetFeeds), '2t': () => s2.run(octetFeeds), 'ort-web': () => w.run(ortFeeds) };
  const peers = Object.fromEntries(Object.entries(all).filter(([id]) => only.includes(id)));
  // Warm up for at least 15 runs and 2 s per peer: for the first seconds of a process V8 is still
  // tiering up the wasm modules in the background and the 2-thread session reads 2–4× slow.
  for (const run of Object.values(peers)) {
    const t0 = performance.now();
    for (let i = 0; i < warm || performance.now() - t0 < 2000; i++) await run();
  }
  const ms = Object.fromEntries(Object.keys(peers).map((id) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [id, run] of Object.entries(peers)) {
      const t0 = now();
      await run();
      ms[id].push(now() - t0);
    }
  }
  const m = Object.fromEntries(Object.entries(ms).map(([id, xs]) => [id, median(xs)]));
  for (const id of ['1t', '2t', 'ort-web']) m[id] ??= NaN;
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
