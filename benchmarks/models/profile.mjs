// Per-op-type time breakdown of one model, Octet (direct API, session profiling) and optionally
// onnxruntime-web (its own profiler; only the timed runs count, not warm-up). For finding where a
// model's time goes; profiling adds per-node overhead, so compare totals with paired.mjs, not here.
//
//   node benchmarks/models/profile.mjs <model> <variant> [--batch 1] [--threads 1|2] [--runs 5] [--peer ort-web] [--nodes 10]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadKernels } from '@octet/kernels';
import { createSession } from '@octet/runtime';
import * as ort from 'onnxruntime-web';
import { feeds, modelPath } from './cases.mjs';
import { ensureMiniLM, MINILM_DIR } from './minilm.mjs';

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const [model, variant] = process.argv.slice(2);
if (!model || !variant || variant.startsWith('--')) throw new Error('usage: profile.mjs <model> <variant> [--batch N] [--threads 1|2] [--runs R] [--peer ort-web] [--nodes K]');
const batch = Number(arg('--batch', 1));
const runs = Number(arg('--runs', 5));
const topNodes = Number(arg('--nodes', 10));
if (modelPath(model, variant).startsWith(MINILM_DIR)) await ensureMiniLM();
const bytes = new Uint8Array(readFileSync(modelPath(model, variant)));
const f = feeds(model, batch);
const WARM = 3;

// onnxruntime-web prints its profile (Chrome trace events, one per line) on stdout through a
// console.log it bound at load time, so it runs in a child process whose stdout is parsed here.
if (process.argv.includes('--ort-child')) {
  ort.env.wasm.numThreads = 1;
  const w = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], enableProfiling: true });
  const ortFeeds = Object.fromEntries(f.map((t) => [t.name, new ort.Tensor(t.type, t.data, t.dims)]));
  for (let i = 0; i < WARM; i++) await w.run(ortFeeds);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await w.run(ortFeeds);
  console.log(`@@total ${(performance.now() - t0) / runs}`);
  w.endProfiling();
  await w.release();
  process.exit(0);
}

function print(title, totalMs, byOp, nodes) {
  console.log(`\n${title}: ${totalMs.toFixed(2)} ms per run (profiled)`);
  for (const [op, ms] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`  ${op.padEnd(28)} ${ms.toFixed(3).padStart(9)} ms  ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %`);
  if (nodes.length) console.log('  slowest nodes:');
  for (const [node, op, ms] of nodes.slice(0, topNodes)) console.log(`    ${node.padEnd(48)} ${op.padEnd(24)} ${ms.toFixed(3)} ms`);
}

const kernels = await loadKernels(arg('--threads', '1') === '2' ? { threads: 2 } : { variant: 'simd' });
const s = await createSession(bytes, { kernels });
const octetFeeds = Object.fromEntries(f.map((t) => [t.name, t]));
for (let i = 0; i < WARM; i++) s.run(octetFeeds);
s.startProfiling();
let t0 = performance.now();
for (let i = 0; i < runs; i++) s.run(octetFeeds);
const octetMs = (performance.now() - t0) / runs;
const entries = s.endProfiling();
const octetOps = new Map();
for (const e of entries) octetOps.set(e.opType, (octetOps.get(e.opType) ?? 0) + e.ms / runs);
print(`Octet ${model}/${variant}/b${batch}`, octetMs, octetOps, entries.map((e) => [e.node, e.opType, e.ms / runs]));
s.dispose();
await kernels.dispose();

if (arg('--peer', '') === 'ort-web') {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2), '--ort-child'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ortMs = Number(/@@total ([\d.]+)/.exec(out)?.[1]);
  const events = out.split('\n').flatMap((l) => {
    const t = l.trim().replace(/,$/, '');
    if (!t.startsWith('{')) return [];
    try {
      return [JSON.parse(t)];
    } catch {
      return [];
    }
  });
  const runWindows = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(WARM);
  const inTimed = (e) => runWindows.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur);
  const ortOps = new Map();
  const ortNodes = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.args?.op_name || !inTimed(e)) continue;
    const ms = e.dur / 1000 / runWindows.length;
    ortOps.set(e.args.op_name, (ortOps.get(e.args.op_name) ?? 0) + ms);
    const key = e.name.replace(/_kernel_time$/, '');
    ortNodes.set(key, [key, e.args.op_name, (ortNodes.get(key)?.[2] ?? 0) + ms]);
  }
  if (!runWindows.length) console.log('\n(onnxruntime-web printed no profile events)');
  else print(`onnxruntime-web ${model}/${variant}/b${batch}`, ortMs, ortOps, [...ortNodes.values()].sort((a, b) => b[2] - a[2]));
}
