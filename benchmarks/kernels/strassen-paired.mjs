// Paired benchmark of the Strassen level of the integer GEMM (not a test): the same QGemm with
// Strassen on (strassenConfig() from gemm-config.ts, the baseline builds' default) against the
// plain 4×8c2 kernel (strassen: null), one process, alternating short batches, process CPU time.
//
//   node benchmarks/kernels/strassen-paired.mjs [--shapes 128x384x384,…] [--out f32|u8|i32]
//        [--set aBlockBytes=…,minM=…] [--pairs 21] [--threads 2] [--evict]
//
// --set overrides fields of the Strassen configuration (tuning); ratio = plain ÷ Strassen time
// (> 1: Strassen is faster). With --threads 2 both sides run on 2 threads (wall time). --evict
// overwrites 8 MB before every (then individually timed) run, so the weights come from L3 as in a
// model (the Strassen operands are 1.75× the plain packing: hot-cache runs favour the plain one). Wrap it in
// `flock /tmp/octet-bench.lock` on a shared machine.
import { loadKernels, strassenConfig } from '@octet/kernels';
import { cpuNow, measureGhz } from './cpu-clock.mjs';

const arg = (flag, dflt) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : dflt);
const shapes = arg('--shapes', '128x384x384,128x384x1536,128x1536x384,4096x384x1536').split(',').map((s) => s.split('x').map(Number));
const output = arg('--out', 'f32');
const pairs = Number(arg('--pairs', '21'));
const threads = Number(arg('--threads', '1'));
const set = Object.fromEntries((arg('--set', '') || '').split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));

const load = () => loadKernels(threads > 1 ? { threads } : { variant: 'simd' });
const strassen = await load();
const plain = await load();
// both sides set explicitly: strassenConfig() with the --set overrides against strassen: null
strassen.gemmConfig.strassen = { ...strassenConfig(), ...set };
plain.gemmConfig.strassen = null;
const now = threads > 1 ? () => performance.now() : cpuNow;
const evict = process.argv.includes('--evict') ? new Uint8Array(8 << 20) : null;
let evictRound = 0;
/** Time of `reps` runs: one batch, or each run after evicting the caches (eviction not timed). */
function timed(run, reps) {
  if (!evict) {
    const t = now();
    for (let r = 0; r < reps; r++) run();
    return now() - t;
  }
  let sum = 0;
  for (let r = 0; r < reps; r++) {
    evict.fill(++evictRound & 0xff);
    const t = now();
    run();
    sum += now() - t;
  }
  return sum;
}

let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
const med = (xs) => [...xs].sort((u, v) => u - v)[Math.floor(xs.length / 2)];
const rows = [];
for (const [M, K, N] of shapes) {
  const w = Int8Array.from({ length: K * N }, () => rnd() - 128);
  const x = Uint8Array.from({ length: M * K }, rnd);
  const setup = (k) => {
    const g = k.createQGemm({ K, N, weights: w, weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 128, output, scale: 1e-4 });
    const px = k.heap.put(x);
    const py = k.heap.alloc(M * N * (output === 'u8' ? 1 : 4));
    g.reserve(M);
    return { run: () => g.run({ M, a: px, out: py }), out: () => k.heap.u8.slice(py, py + M * N * (output === 'u8' ? 1 : 4)) };
  };
  const s = setup(strassen);
  const p = setup(plain);
  s.run();
  p.run();
  const so = s.out(), po = p.out();
  const same = so.every((v, i) => v === po[i]);
  let t0 = performance.now();
  while (performance.now() - t0 < 300) { s.run(); p.run(); }
  t0 = performance.now();
  p.run();
  const reps = Math.max(1, Math.ceil(15 / (performance.now() - t0)));
  const ratios = [], sMs = [], pMs = [], ghz = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 4 === 0) ghz.push(measureGhz(1, cpuNow));
    const a = timed(s.run, reps) / reps;
    const b = timed(p.run, reps) / reps;
    ratios.push(b / a);
    sMs.push(a);
    pMs.push(b);
  }
  const clock = med(ghz);
  const gops = (ms) => (2 * M * K * N) / (ms * 1e6) / clock;
  rows.push({
    shape: `${M}x${K}x${N}`, bitIdentical: same, ratio: +med(ratios).toFixed(3),
    strassenMs: +med(sMs).toFixed(3), plainMs: +med(pMs).toFixed(3),
    strassenEffGopsPerGhz: +gops(med(sMs)).toFixed(1), plainGopsPerGhz: +gops(med(pMs)).toFixed(1), ghz: +clock.toFixed(2),
  });
  console.log(JSON.stringify({ ...rows.at(-1), evict: !!evict }));
}
await strassen.dispose();
await plain.dispose();
