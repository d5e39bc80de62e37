// Paired measurement for a shared, busy machine: two contenders in ONE process, alternating short
// batches of the same case so both see the same contention; reports the median over pairs of
// (time of the second / time of the first). Against ort-web the times are process CPU time
// (cpu-clock.mjs `cpuNow`: both contenders run on this thread, and slices lost to other processes
// do not count) and the CPU-time clock is sampled beside them for Octet's GOPS per GHz; 2 threads
// vs 1 needs wall time (CPU time would add up the workers).
//   --cases id,id : only these cases (ids from cases.mjs, CASES or EXTRA_CASES)
//   --vs ort-web : Octet (Node, 1 thread) vs onnxruntime-web (wasm, 1 thread). onnxruntime-node is
//                  never loaded here (design.md §4: it would share onnxruntime-common).
//   --vs threads : Octet with 2 threads vs Octet with 1 thread.
//   --vs config --set key=value,… [--base key=value,…] : Octet 1 thread with GemmConfig overrides
//                  (numbers or Infinity) vs Octet 1 thread with the base ones, weights packed for every
//                  path as the runtime does; ratio = base ÷ set time. E.g. `--set mediumMaxM=Infinity,mediumMaxMLargeWeights=Infinity`:
//                  the int8-weight 4×8 tile for every M > 3 vs the i16-weight GEMM.
//   --evict      : overwrite 8 MB before every call, untimed, so the weights come from L3 as in a
//                  model whose other layers ran in between (each call timed alone).
import { loadKernels } from '@octet/kernels';
import * as ort from 'onnxruntime-web';
import { CASES, EXTRA_CASES, Q, activations, depth, ops, weights, yScale } from './cases.mjs';
import { cpuNow, measureGhz } from './cpu-clock.mjs';
import { qlinearConvModel, qlinearMatMulModel } from './models.mjs';

ort.env.wasm.numThreads = 1;
const vs = process.argv.includes('--vs') ? process.argv[process.argv.indexOf('--vs') + 1] : 'ort-web';
const k = await loadKernels({ variant: 'simd' });
const k2 = vs === 'threads' ? await loadKernels({ threads: 2 }) : vs === 'config' ? await loadKernels({ variant: 'simd' }) : null;
const overrides = (flag) => {
  const i = process.argv.indexOf(flag);
  if (i < 0) return {};
  return Object.fromEntries(process.argv[i + 1].split(',').map((kv) => kv.split('=')).map(([key, v]) => [key, Number(v)]));
};
if (vs === 'config') {
  Object.assign(k.gemmConfig, overrides('--base'));
  Object.assign(k2.gemmConfig, overrides('--set'));
}
const evict = process.argv.includes('--evict') ? new Uint8Array(8 << 20) : null;
let evictRound = 0;
const f32 = Math.fround;
const PAIRS = 41;
const now = vs === 'threads' ? () => performance.now() : cpuNow;
const only = process.argv.includes('--cases') ? process.argv[process.argv.indexOf('--cases') + 1].split(',') : null;
const results = {};

async function timed(fn, reps) {
  if (!evict) {
    const t = now();
    for (let i = 0; i < reps; i++) await fn();
    return now() - t;
  }
  let sum = 0;
  for (let i = 0; i < reps; i++) {
    evict.fill(++evictRound & 0xff);
    const t = now();
    await fn();
    sum += now() - t;
  }
  return sum;
}
for (const c of [...CASES, ...EXTRA_CASES].filter((x) => (only ? only.includes(x.id) : CASES.includes(x)))) {
  const w = weights(c);
  const x = activations(c);
  const common = {
    weights: w, weightZeroPoint: Q.wZp, activationSigned: false, activationZeroPoint: Q.aZp,
    output: 'u8', scale: f32(f32(Q.aScale * Q.wScale) / f32(yScale(depth(c)))), outputZeroPoint: Q.yZp,
  };
  const octetOn = (kk) => {
    const px = kk.heap.put(x);
    if (c.kind === 'gemm') {
      const g = kk.createQGemm({ K: c.K, N: c.N, ...common, rows: vs === 'config' ? 'both' : (c.rows ?? (c.M === 1 ? 'small' : 'large')) });
      const py = kk.heap.alloc(c.M * c.N);
      return () => g.run({ M: c.M, a: px, out: py });
    }
    const conv = kk.createQConv({ C: c.C, H: c.H, W: c.W, M: c.M, kernelShape: [c.k, c.k], pads: [c.pad, c.pad, c.pad, c.pad], group: c.group, ...common });
    const py = kk.heap.alloc(conv.outputShape.reduce((a, b) => a * b, 1));
    return () => conv.run({ N: 1, x: px, y: py });
  };
  const octet = octetOn(k);
  let s = null;
  let peer;
  if (k2) {
    peer = octetOn(k2);
  } else {
    s = await ort.InferenceSession.create(c.kind === 'gemm' ? qlinearMatMulModel(c, w) : qlinearConvModel(c, w), { executionProviders: ['wasm'] });
    const feeds = { [c.kind === 'gemm' ? 'a' : 'x']: new ort.Tensor('uint8', x, c.kind === 'gemm' ? [c.M, c.K] : [1, c.C, c.H, c.W]) };
    peer = () => s.run(feeds);
  }
  // warm-up both, then size a batch to ~10 ms of Octet work
  let t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 300) { octet(); await peer(); n++; }
  t0 = performance.now();
  octet();
  const reps = Math.max(1, Math.ceil(10 / (performance.now() - t0)));
  const ratios = [];
  const octetMs = [];
  const peerMs = [];
  const ghz = [];
  for (let p = 0; p < PAIRS; p++) {
    if (p % 4 === 0) ghz.push(measureGhz(1, now));
    const a = (await timed(octet, reps)) / reps;
    const b = (await timed(peer, reps)) / reps;
    ratios.push(b / a);
    octetMs.push(a);
    peerMs.push(b);
  }
  const med = (xs) => [...xs].sort((u, v) => u - v)[Math.floor(xs.length / 2)];
  // ort-web: ratio = ort-web / Octet; threads: speed-up of 2 threads = 1T / 2T
  const clock = med(ghz);
  results[c.id] = {
    ratio: k2 ? med(ratios.map((r) => 1 / r)) : med(ratios), octetMs: med(octetMs), peerMs: med(peerMs), octetMinMs: Math.min(...octetMs), peerMinMs: Math.min(...peerMs),
    cpuGhz: clock, octetGopsPerGhz: ops(c) / (med(octetMs) * 1e6) / clock,
    ...(vs === 'config' ? { peerGopsPerGhz: ops(c) / (med(peerMs) * 1e6) / clock } : {}),
  };
  await s?.release();
}
await k2?.dispose();
process.stdout.write(JSON.stringify({ peer: `paired-${vs}`, results }) + '\n');
