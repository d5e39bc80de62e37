// Microbenchmark of the bare inner loops behind the baseline int8 GEMM (not a test): what
// i32x4.dot_i16x8_s (vpmaddwd) and the dot + i32x4.add pair can sustain in V8-generated code, and
// the register tiles of the GEMM on data in L1. Answers "how close to 32 GOPS/GHz can the
// dot16x2 GEMM get?" with measurements instead of guesses.
//
//   node benchmarks/kernels/inner-loop.mjs          (wrap in `flock /tmp/octet-bench.lock` when shared)
//
// Times are process CPU time (process.cpuUsage) and the clock is measured the same way, so the
// figures hold on a loaded machine (time slices lost to other processes do not count).
// The kernels are AssemblyScript compiled here with the same flags as the package.
import asc from 'assemblyscript/asc';
import { cpuNow, measureGhz } from './cpu-clock.mjs';

// ---- kernel sources -------------------------------------------------------------------------
const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const sum = (n) => `let s = c0;\n${lines(n - 1, (i) => `  s = i32x4.add(s, c${i + 1});`)}\n  return i32x4.extract_lane(s, 0);`;

/** n independent chains c = dot(c, b), 24 dots per iteration: latency (n = 1) and throughput. */
const dotChains = (n) => `export function dot_chains_${n}(iters: i32, p: usize): i32 {
  const b = v128.load(p);
${lines(n, (i) => `  let c${i} = v128.load(p, ${16 + 16 * i});`)}
  for (let it = 0; it < iters; it++) {
${lines(24, (j) => `    c${j % n} = i32x4.dot_i16x8_s(c${j % n}, b);`)}
  }
  ${sum(n)}
}`;

/** 12 chains c = c + b: the SIMD integer ALU ports (3 on current Intel/AMD cores). */
const addChains = `export function add_chains_12(iters: i32, p: usize): i32 {
  const b = v128.load(p);
${lines(12, (i) => `  let c${i} = v128.load(p, ${16 + 16 * i});`)}
  for (let it = 0; it < iters; it++) {
${lines(24, (j) => `    c${j % 12} = i32x4.add(c${j % 12}, b);`)}
  }
  ${sum(12)}
}`;

/** n accumulators c += dot(load, b): the bare dot + add pair, operands from L1, no dependency on the dot. */
const dotAdd = (n) => `export function dot_add_${n}(iters: i32, p: usize): i32 {
  const b = v128.load(p);
${lines(n, (i) => `  let c${i} = i32x4.splat(0);`)}
  for (let it = 0; it < iters; it++) {
${lines(24, (j) => `    c${j % n} = i32x4.add(c${j % n}, i32x4.dot_i16x8_s(v128.load(p, ${16 + 16 * j}), b));`)}
  }
  ${sum(n)}
}`;

/** The GEMM's register tile (MR rows × 4·NV columns) over kp k-pairs of packed A and B in L1. */
const tile = (MR, NV) => {
  const acc = [];
  for (let m = 0; m < MR; m++) for (let j = 0; j < NV; j++) acc.push(`c${m}_${j}`);
  return `export function tile_${MR}x${NV * 4}(reps: i32, a: usize, b: usize, kp: i32, out: usize): void {
  for (let r = 0; r < reps; r++) {
    let ap = a;
    let bp = b;
    const end = a + <usize>kp * ${MR * 4};
${acc.map((c) => `    let ${c} = i32x4.splat(0);`).join('\n')}
    while (ap < end) {
${lines(NV, (j) => `      const b${j} = v128.load(bp, ${16 * j});`)}
${lines(MR, (m) => `      const x${m} = v128.load32_splat(ap, ${4 * m});\n${lines(NV, (j) => `      c${m}_${j} = i32x4.add(c${m}_${j}, i32x4.dot_i16x8_s(x${m}, b${j}));`)}`)}
      ap += ${MR * 4};
      bp += ${NV * 16};
    }
${acc.map((c, i) => `    v128.store(out, ${c}, ${16 * i});`).join('\n')}
  }
}`;
};

const TILES = [[4, 2], [5, 2], [6, 2], [3, 3], [2, 4]];
const source = [dotChains(1), dotChains(12), addChains, dotAdd(8), dotAdd(12), ...TILES.map(([m, n]) => tile(m, n))].join('\n\n');

const { binary, stderr } = await asc.compileString(source, { runtime: 'stub', optimizeLevel: 3, shrinkLevel: 0, noAssert: true, enable: ['simd'], initialMemory: 4 });
if (!binary) throw new Error(`asc failed:\n${stderr.toString()}`);
const e = new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports;

// ---- measurement ----------------------------------------------------------------------------
const median = (xs) => [...xs].sort((u, v) => u - v)[Math.floor(xs.length / 2)];
const ROUNDS = 9;
/** Median over rounds of (units of work per cycle), each round against a fresh clock reading. */
function perCycle(run, units) {
  run();
  const xs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ghz = measureGhz(3, cpuNow);
    const t0 = cpuNow();
    run();
    xs.push(units / ((cpuNow() - t0) * 1e6 * ghz));
  }
  return median(xs);
}

const ITERS = 400_000;
const P = 1024;
const rows = [];
const dots = (name, what) => {
  const d = perCycle(() => e[name](ITERS, P), 24 * ITERS);
  rows.push({ loop: name, what, perCycle: d, gopsPerGhz: d * 16 });
};
dots('dot_chains_1', 'vpmaddwd latency (1 chain): cycles per dot = 1 / rate');
dots('dot_chains_12', 'vpmaddwd throughput (12 independent chains)');
const adds = perCycle(() => e.add_chains_12(ITERS, P), 24 * ITERS);
rows.push({ loop: 'add_chains_12', what: 'i32x4.add throughput (SIMD integer ALU ports)', perCycle: adds, gopsPerGhz: null });
dots('dot_add_8', 'bare dot + add pair, 8 accumulators, operands loaded from L1');
dots('dot_add_12', 'bare dot + add pair, 12 accumulators');
const KP = 192; // K = 384
const A = 4096;
const B = 65536;
const OUT = 200_000;
for (const [MR, NV] of TILES) {
  const macs = MR * NV * 4 * KP * 2;
  const reps = Math.round(2e7 / macs);
  const d = perCycle(() => e[`tile_${MR}x${NV * 4}`](reps, A, B, KP, OUT), (reps * macs) / 8);
  rows.push({ loop: `tile_${MR}x${NV * 4}`, what: `GEMM register tile ${MR}×${NV * 4}, K = ${KP * 2}, A and B in L1`, perCycle: d, gopsPerGhz: d * 16 });
}

console.log(`clock (CPU time): ${measureGhz(9, cpuNow).toFixed(2)} GHz; ops = 2 per multiply-add; peak of dot16x2 = 32 GOPS/GHz (2 vpmaddwd per cycle)`);
console.log('| loop | measures | per cycle | GOPS/GHz | % of 32 |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const g = r.gopsPerGhz === null ? '' : r.gopsPerGhz.toFixed(1);
  const pct = r.gopsPerGhz === null ? '' : `${((r.gopsPerGhz / 32) * 100).toFixed(0)} %`;
  console.log(`| ${r.loop} | ${r.what} | ${r.perCycle.toFixed(2)} | ${g} | ${pct} |`);
}
// Every dot needs one add to accumulate it; both run on the SIMD integer ALU ports, vpmaddwd on 2 of
// them. With `adds` ALU ops per cycle the pair is bound by adds / 2 dots per cycle.
const pairBound = Math.min(adds / 2, rows[1].perCycle);
console.log(`\nbound of the dot + add pair from the measured ALU rate: ${pairBound.toFixed(2)} dots/cycle = ${(pairBound * 16).toFixed(1)} GOPS/GHz (${((pairBound * 16 * 100) / 32).toFixed(0)} % of 32)`);
