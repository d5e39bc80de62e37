// Kernel benchmark (not a test): Octet's integer GEMM/conv kernels beside onnxruntime-web 1.30
// (wasm, 1 thread) and onnxruntime-node 1.30 (CPU, 1 thread), each peer in its own process
// (design.md §4), alternating the processes over a few rounds. Prints a table and writes
// benchmarks/results/kernels.json.
//
//   node benchmarks/kernels/run.mjs [--rounds 3] [--no-chromium]
// Run under `flock /tmp/octet-bench.lock` on shared machines. Needs `npm run build` first
// (@octet/kernels and @octet/onnx dist).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { CASES, ops } from './cases.mjs';
import { measureGhz } from './cpu-clock.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const rounds = Number(arg('--rounds', 3));
const withChromium = !process.argv.includes('--no-chromium');

const PEERS = [
  { id: 'octet-node-1t', args: ['peer-octet-node.mjs', '--threads', '1'] },
  { id: 'ort-web', args: ['peer-ort.mjs', '--ort', 'web'] },
  { id: 'octet-node-2t', args: ['peer-octet-node.mjs', '--threads', '2'] },
  { id: 'ort-node', args: ['peer-ort.mjs', '--ort', 'node'] },
  ...(withChromium ? [{ id: 'chromium', args: ['peer-chromium.mjs'] }] : []),
  { id: 'paired-ort-web', args: ['peer-paired.mjs', '--vs', 'ort-web'] },
  { id: 'paired-threads', args: ['peer-paired.mjs', '--vs', 'threads'] },
];
const paired = {}; // paired[peerId][caseId] = [ratio per round]

function runPeer(p) {
  const out = execFileSync(process.execPath, p.args, { cwd: here, encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

// series[column][caseId] = [{ ms, ghz } per round]
const series = {};
const digests = {};
const add = (col, id, r) => {
  ((series[col] ??= {})[id] ??= []).push({ ms: r.ms, minMs: r.minMs, ghz: r.ghz });
  if (r.digest) (digests[col] ??= {})[id] = r.digest;
};
const ghz = [];
let chromiumInfo = null;
for (let round = 0; round < rounds; round++) {
  ghz.push(measureGhz());
  const order = PEERS.slice(round % PEERS.length).concat(PEERS.slice(0, round % PEERS.length));
  for (const p of order) {
    process.stderr.write(`round ${round + 1}/${rounds}: ${p.id}\n`);
    const r = runPeer(p);
    for (const c of CASES) {
      if (p.id.startsWith('paired')) {
        ((paired[p.id] ??= {})[c.id] ??= []).push(r.results[c.id].ratio);
      } else if (p.id.startsWith('octet-node')) {
        add(p.id, c.id, r.results[c.id]);
        if (r.results[c.id].msI32 !== undefined) add(`${p.id}-i32`, c.id, { ms: r.results[c.id].msI32, minMs: r.results[c.id].minMsI32, ghz: r.results[c.id].ghzI32 });
      } else if (p.id === 'chromium') {
        chromiumInfo = { browser: r.browser, relaxedVariant: r.relaxed.variant, capabilities: r.relaxed.capabilities };
        add('chromium-simd', c.id, r.simd.results[c.id]);
        add(`chromium-${r.relaxed.variant}`, c.id, r.relaxed.results[c.id]);
        for (const [kind, v] of Object.entries(r.ortWeb[c.id])) add(`chromium-ort-web-${kind}`, c.id, v);
      } else {
        for (const [kind, v] of Object.entries(r.results[c.id])) add(`${p.id}-${kind}`, c.id, v);
      }
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const GHz = Math.max(...ghz);
const summary = {};
for (const [col, byCase] of Object.entries(series)) {
  summary[col] = {};
  for (const [id, xs] of Object.entries(byCase)) {
    const c = CASES.find((x) => x.id === id);
    const ms = median(xs.map((x) => x.ms));
    summary[col][id] = {
      msMedian: ms,
      // fastest single sample over all rounds: the least disturbed by other processes
      msBest: Math.min(...xs.map((x) => x.minMs)),
      gops: ops(c) / ms / 1e6,
      // GOPS per effective GHz (the clock this process measured around its samples): contention-normalised
      gopsPerGhz: median(xs.map((x) => ops(c) / x.ms / 1e6 / x.ghz)),
      effectiveGhz: median(xs.map((x) => x.ghz)),
      rounds: xs,
    };
  }
}

// outputs must agree with the peer (QLinear ops: same requantization, bit for bit)
const agree = {};
for (const c of CASES) {
  const ref = digests['ort-web-qlinear']?.[c.id];
  agree[c.id] = Object.fromEntries(
    Object.entries(digests).filter(([col]) => !col.includes('integer') && !col.endsWith('-i32') && digests[col][c.id]).map(([col, d]) => [col, d[c.id] === ref]),
  );
}

// Speed-up of a over b, on clock-normalised throughput (equal to the time ratio on an idle machine).
const ratio = (a, b, id) => (summary[a]?.[id] && summary[b]?.[id] ? summary[a][id].gopsPerGhz / summary[b][id].gopsPerGhz : NaN);
const cols = Object.keys(summary);
const pad = (s, n) => String(s).padStart(n);
console.log(`\nCPU ${cpus()[0]?.model ?? '?'}; clock estimate ${GHz.toFixed(2)} GHz (max over rounds of ${ghz.map((g) => g.toFixed(2)).join(', ')})`);
console.log(`GOPS and ms (median of ${rounds} rounds; each round = median of 15 samples in a fresh process)\n`);
console.log(pad('', 28) + CASES.map((c) => pad(c.id, 24)).join(''));
for (const col of cols) {
  console.log(pad(col, 28) + CASES.map((c) => pad(summary[col][c.id] ? `${summary[col][c.id].gops.toFixed(1)} (${summary[col][c.id].msMedian.toFixed(3)} ms)` : '-', 24)).join(''));
}
console.log('\nGOPS per effective GHz (clock measured by each process around its samples; peak of the i32x4.dot_i16x8_s path: 32):\n');
for (const col of cols) {
  console.log(pad(col, 28) + CASES.map((c) => pad(summary[col][c.id] ? `${summary[col][c.id].gopsPerGhz.toFixed(1)} @${summary[col][c.id].effectiveGhz.toFixed(2)}` : '-', 24)).join(''));
}
console.log('\nspeed-up (clock-normalised throughput of the first over the second):');
const bestRatio = (a, b, id) => (summary[a]?.[id] && summary[b]?.[id] ? summary[b][id].msBest / summary[a][id].msBest : NaN);
const ratioRows = [
  ['octet 1t vs ort-web QLinear', 'octet-node-1t', 'ort-web-qlinear'],
  ['octet 1t i32 vs ort-web MatMulInteger', 'octet-node-1t-i32', 'ort-web-integer'],
  ['octet 1t vs ort-node QLinear', 'octet-node-1t', 'ort-node-qlinear'],
  ['octet 2t vs octet 1t', 'octet-node-2t', 'octet-node-1t'],
  ['chromium simd vs chromium ort-web', 'chromium-simd', 'chromium-ort-web-qlinear'],
  ['chromium relaxed vs chromium ort-web', 'chromium-relaxed', 'chromium-ort-web-qlinear'],
  ['chromium relaxed vs node ort-web', 'chromium-relaxed', 'ort-web-qlinear'],
];
const ratios = {};
const bestRatios = {};
for (const [label, a, b] of ratioRows) {
  ratios[label] = Object.fromEntries(CASES.map((c) => [c.id, ratio(a, b, c.id)]));
  console.log(pad(label, 40) + CASES.map((c) => pad(Number.isNaN(ratios[label][c.id]) ? '-' : `${ratios[label][c.id].toFixed(2)}×`, 24)).join(''));
}
console.log('\nspeed-up on the fastest samples (time of the second / time of the first; best of all rounds):');
for (const [label, a, b] of ratioRows) {
  bestRatios[label] = Object.fromEntries(CASES.map((c) => [c.id, bestRatio(a, b, c.id)]));
  console.log(pad(label, 40) + CASES.map((c) => pad(Number.isNaN(bestRatios[label][c.id]) ? '-' : `${bestRatios[label][c.id].toFixed(2)}×`, 24)).join(''));
}
console.log('\nfastest samples, GOPS:');
for (const col of cols) {
  console.log(pad(col, 28) + CASES.map((c) => pad(summary[col][c.id] ? `${(ops(c) / summary[col][c.id].msBest / 1e6).toFixed(1)} (${summary[col][c.id].msBest.toFixed(3)} ms)` : '-', 24)).join(''));
}
console.log('\npaired in one process, alternating batches (robust to contention from other processes), median over rounds:');
const pairedSummary = {};
for (const [label, id] of [['octet 1t vs ort-web QLinear (paired)', 'paired-ort-web'], ['octet 2t vs octet 1t (paired)', 'paired-threads']]) {
  pairedSummary[label] = Object.fromEntries(CASES.map((c) => [c.id, paired[id]?.[c.id] ? median(paired[id][c.id]) : NaN]));
  console.log(pad(label, 40) + CASES.map((c) => pad(Number.isNaN(pairedSummary[label][c.id]) ? '-' : `${pairedSummary[label][c.id].toFixed(2)}×`, 24)).join(''));
}
const mismatches = Object.entries(agree).flatMap(([id, m]) => Object.entries(m).filter(([, ok]) => !ok).map(([col]) => `${col} ${id}`));
console.log(mismatches.length ? `\nOUTPUT MISMATCH vs ort-web: ${mismatches.join(', ')}` : '\nall u8 outputs are bit-identical to onnxruntime-web QLinearMatMul/QLinearConv');

const result = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, ghz: GHz, ghzRounds: ghz, rounds, cases: CASES, chromium: chromiumInfo, summary, ratios, bestRatios, paired: pairedSummary, outputsAgree: agree };
const outDir = join(here, '..', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'kernels.json.tmp'), JSON.stringify(result, null, 2));
renameSync(join(outDir, 'kernels.json.tmp'), join(outDir, 'kernels.json'));
console.log(`\nwrote ${join(outDir, 'kernels.json')}`);
