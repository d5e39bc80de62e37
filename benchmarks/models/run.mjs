// Model benchmark (issue 4; not a test): end-to-end latency per inference at batch 1 and 32 for
// the fixture models mobilenetv2_digits and encoder_sentiment (fp32 and ORT-quantized variants)
// and the MiniLM-L6-shaped encoder built in code (fp32 and Octet-quantized variants), on Octet
// (Node 1 and 2 threads; Chromium 1 and 2 threads) beside onnxruntime-web 1.30 (wasm, 1 thread,
// same model; in Node and in the same Chromium page) and onnxruntime-node 1.30 (CPU, 1 thread).
// Each peer runs in its own process and the processes alternate over rounds (design.md §4);
// medians over rounds are reported. Schema of the JSON: README.md.
//
//   flock /tmp/octet-bench.lock node benchmarks/models/run.mjs [--rounds 2] [--case mobilenetv2_digits] [--no-chromium]
// Needs `npm run build`. Writes benchmarks/results/models.json atomically and prints a table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.mjs';
import { ensureMiniLM } from './minilm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const rounds = Number(arg('--rounds', 2));
const only = arg('--case', undefined);
const caseArgs = only ? ['--case', only] : [];
const cases = CASES.filter((c) => !only || c.id.startsWith(only));
if (cases.some((c) => c.model === 'minilm_l6')) await ensureMiniLM(); // before the timed rounds

const PEERS = [
  { id: 'octet-node-1t', args: ['peer-octet.mjs', ...caseArgs] },
  { id: 'octet-node-2t', args: ['peer-octet.mjs', '--threads', '2', ...caseArgs] },
  { id: 'ort-web', args: ['peer-ort.mjs', '--ort', 'web', ...caseArgs] },
  { id: 'ort-node', args: ['peer-ort.mjs', '--ort', 'node', ...caseArgs] },
  ...(process.argv.includes('--no-chromium') ? [] : [{ id: 'chromium', args: ['peer-chromium.mjs', ...caseArgs], reports: ['octet-chromium-1t', 'octet-chromium-2t', 'ort-web-chromium'] }]),
];

/** { peerId: { caseId: { ms } | { error } } } from one peer process (the Chromium one reports three peers). */
function runPeer(p) {
  const out = execFileSync(process.execPath, p.args, { cwd: here, encoding: 'utf8', timeout: 3_600_000, maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop());
  if (r.peers) {
    browser = r.browser;
    return Object.fromEntries(Object.entries(r.peers).map(([id, v]) => [id, v.results]));
  }
  return { [p.id]: r.results };
}

let browser;
const samples = {}; // samples[peer][case] = ms[]
const errors = {};
const loads = [];
for (let round = 0; round < rounds; round++) {
  const order = PEERS.slice(round % PEERS.length).concat(PEERS.slice(0, round % PEERS.length));
  for (const p of order) {
    process.stderr.write(`round ${round + 1}/${rounds}: ${p.id}\n`);
    loads.push(loadavg()[0]);
    let byPeer;
    try {
      byPeer = runPeer(p);
    } catch (e) {
      // a crashed peer process costs its own cases only
      const msg = String(e?.stderr ?? e?.message ?? e).trim().split('\n').slice(-3).join(' ').slice(0, 200);
      for (const id of p.reports ?? [p.id]) for (const c of cases) (errors[id] ??= {})[c.id] = msg;
      continue;
    }
    for (const [peer, results] of Object.entries(byPeer)) {
      for (const [id, v] of Object.entries(results)) {
        if (v.error) (errors[peer] ??= {})[id] = v.error;
        else ((samples[peer] ??= {})[id] ??= []).push(v.ms);
      }
    }
  }
}

const median = (xs) => {
  if (!xs || xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const peerIds = Object.keys(samples);
const ratio = (num, den) => (num && den ? num / den : undefined);
const rows = cases.map((c) => {
  const ms = Object.fromEntries(peerIds.map((p) => [p, median(samples[p]?.[c.id])]).filter(([, v]) => v !== undefined));
  return {
    case: c.id,
    model: c.model,
    variant: c.variant,
    batch: c.batch,
    ms,
    speedupVsOrtWeb: ratio(ms['ort-web'], ms['octet-node-1t']),
    speedupVsOrtWeb2t: ratio(ms['ort-web'], ms['octet-node-2t']),
    twoThreadSpeedup: ratio(ms['octet-node-1t'], ms['octet-node-2t']),
    chromium: {
      speedupVsOrtWeb: ratio(ms['ort-web-chromium'], ms['octet-chromium-1t']),
      speedupVsOrtWeb2t: ratio(ms['ort-web-chromium'], ms['octet-chromium-2t']),
      twoThreadSpeedup: ratio(ms['octet-chromium-1t'], ms['octet-chromium-2t']),
    },
  };
});
// Octet int8 vs Octet fp32, same model and batch (>1: the int8 model is faster).
for (const r of rows) {
  if (r.variant === 'fp32') continue;
  const fp = rows.find((x) => x.model === r.model && x.batch === r.batch && x.variant === 'fp32');
  r.int8VsFp32 = ratio(fp?.ms['octet-node-1t'], r.ms['octet-node-1t']);
  r.chromium.int8VsFp32 = ratio(fp?.ms['octet-chromium-1t'], r.ms['octet-chromium-1t']);
}

const fmt = (v, d = 2) => (v === undefined ? '—' : v.toFixed(d));
const x = (v) => (v === undefined ? '—' : `${v.toFixed(2)}×`);
console.log('| case | Octet 1t | Octet 2t | ort-web 1t | ort-node 1t | ort-web ÷ Octet 1t | fp32 ÷ int8 | 1t ÷ 2t | Chromium: Octet 1t | Octet 2t | ort-web 1t | ort-web ÷ Octet 1t | 1t ÷ 2t |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const m = r.ms;
  console.log(
    `| ${r.case} | ${fmt(m['octet-node-1t'])} | ${fmt(m['octet-node-2t'])} | ${fmt(m['ort-web'])} | ${fmt(m['ort-node'])} | ${x(r.speedupVsOrtWeb)} | ${r.variant === 'fp32' ? '' : x(r.int8VsFp32)} | ${x(r.twoThreadSpeedup)} ` +
      `| ${fmt(m['octet-chromium-1t'])} | ${fmt(m['octet-chromium-2t'])} | ${fmt(m['ort-web-chromium'])} | ${x(r.chromium.speedupVsOrtWeb)} | ${x(r.chromium.twoThreadSpeedup)} |`,
  );
}
if (Object.keys(errors).length) console.log('errors:', JSON.stringify(errors, null, 1));

const result = {
  schema: 'octet-models-bench/2',
  date: new Date().toISOString(),
  node: process.version,
  browser,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverageDuringRun: loads,
  rounds,
  peers: peerIds,
  rows,
  errors,
};
const dir = join(here, '..', 'results');
mkdirSync(dir, { recursive: true });
const tmp = join(dir, `.models.json.${process.pid}`);
writeFileSync(tmp, JSON.stringify(result, null, 1));
renameSync(tmp, join(dir, 'models.json'));
