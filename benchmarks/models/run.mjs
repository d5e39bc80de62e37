// Model benchmark (issue 4; not a test): end-to-end latency per inference at batch 1 and 32 for
// the fixture models mobilenetv2_digits and encoder_sentiment — fp32 and ORT-quantized variants
// (QDQ, QOperator, dynamic) — on Octet (Node, 1 and 2 threads) beside onnxruntime-web 1.30 (wasm, 1
// thread, same model) and onnxruntime-node 1.30 (CPU, 1 thread). Each peer runs in its own
// process and the processes alternate over rounds (design.md §4); medians are reported.
//
//   flock /tmp/octet-bench.lock node benchmarks/models/run.mjs [--rounds 2] [--case mobilenetv2_digits]
// Needs `npm run build` (dist of @octet/onnx, @octet/kernels, @octet/runtime). Writes
// benchmarks/results/models.json atomically and prints a table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const rounds = Number(arg('--rounds', 2));
const only = arg('--case', undefined);
const caseArgs = only ? ['--case', only] : [];

const PEERS = [
  { id: 'octet-node-1t', args: ['peer-octet.mjs', ...caseArgs] },
  { id: 'octet-node-2t', args: ['peer-octet.mjs', '--threads', '2', ...caseArgs] },
  { id: 'ort-web', args: ['peer-ort.mjs', '--ort', 'web', ...caseArgs] },
  { id: 'ort-node', args: ['peer-ort.mjs', '--ort', 'node', ...caseArgs] },
];

function runPeer(p) {
  const out = execFileSync(process.execPath, p.args, { cwd: here, encoding: 'utf8', timeout: 1_200_000, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

const samples = {}; // samples[peer][case] = ms[]
const errors = {};
const loads = [];
for (let round = 0; round < rounds; round++) {
  const order = PEERS.slice(round % PEERS.length).concat(PEERS.slice(0, round % PEERS.length));
  for (const p of order) {
    process.stderr.write(`round ${round + 1}/${rounds}: ${p.id}\n`);
    loads.push(loadavg()[0]);
    const r = runPeer(p);
    for (const [id, v] of Object.entries(r.results)) {
      if (v.error) (errors[p.id] ??= {})[id] = v.error;
      else ((samples[p.id] ??= {})[id] ??= []).push(v.ms);
    }
  }
}

const median = (xs) => {
  if (!xs || xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = CASES.filter((c) => !only || c.id.startsWith(only)).map((c) => {
  const ms = Object.fromEntries(PEERS.map((p) => [p.id, median(samples[p.id]?.[c.id])]));
  const octet = ms['octet-node-1t'];
  const web = ms['ort-web'];
  return { case: c.id, ...c, ms, speedupVsOrtWeb: octet && web ? web / octet : undefined };
});
// Octet int8 vs Octet fp32, same model and batch.
for (const r of rows) {
  if (r.variant === 'fp32') continue;
  const fp = rows.find((x) => x.model === r.model && x.batch === r.batch && x.variant === 'fp32');
  const a = r.ms['octet-node-1t'];
  const b = fp?.ms['octet-node-1t'];
  r.int8VsFp32 = a && b ? b / a : undefined;
}

const fmt = (v, d = 2) => (v === undefined ? '—' : v.toFixed(d));
for (const r of rows) {
  const one = r.ms['octet-node-1t'];
  const two = r.ms['octet-node-2t'];
  r.twoThreadSpeedup = one && two ? one / two : undefined;
}
console.log(`| case | Octet 1t (ms) | Octet 2t (ms) | ort-web wasm 1t (ms) | ort-node 1t (ms) | ort-web / Octet 1t | Octet fp32 / int8 | 2t / 1t |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  console.log(`| ${r.case} | ${fmt(r.ms['octet-node-1t'])} | ${fmt(r.ms['octet-node-2t'])} | ${fmt(r.ms['ort-web'])} | ${fmt(r.ms['ort-node'])} | ${fmt(r.speedupVsOrtWeb)}× | ${r.variant === 'fp32' ? '' : `${fmt(r.int8VsFp32)}×`} | ${fmt(r.twoThreadSpeedup)}× |`);
}
if (Object.keys(errors).length) console.log('errors:', JSON.stringify(errors, null, 1));

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverageDuringRun: loads,
  rounds,
  rows,
  errors,
};
const dir = join(here, '..', 'results');
mkdirSync(dir, { recursive: true });
const tmp = join(dir, `.models.json.${process.pid}`);
writeFileSync(tmp, JSON.stringify(result, null, 1));
renameSync(tmp, join(dir, 'models.json'));
