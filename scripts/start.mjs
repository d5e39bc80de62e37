// `npm start` (after `turbo run build`): the main job on the bundled examples. Quantizes the
// tabular regression model (mlp_diabetes, RMSE) and the image classifier (cnn_digits, accuracy)
// to int8 with their calibration data, evaluates float vs int8 on their test data (metric, size,
// latency on Octet's runtime), writes one self-contained HTML report per model into out/, and
// prints a short summary. Everything goes through the CLI's `main`, as `octet quantize` would.
//
//   npm start                 # both examples, into out/
//   npm start -- --out DIR    # another output folder
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@octet/cli';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = [
  { name: 'mlp_diabetes', task: 'tabular regression (diabetes progression from 10 features)', metric: 'rmse' },
  { name: 'cnn_digits', task: 'image classification (8×8 handwritten digits)', metric: 'accuracy' },
];

function parseArgs(argv) {
  let out = join(root, 'out');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('Usage: npm start [-- --out DIR]\nQuantizes the bundled mlp_diabetes and cnn_digits models to int8 and writes HTML reports (default out/).');
      process.exit(0);
    } else {
      console.error(`start: unknown argument '${argv[i]}' (usage: npm start [-- --out DIR])`);
      process.exit(2);
    }
  }
  return { out };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const fmtMetric = (metric, v) => (metric === 'accuracy' ? `${(100 * v).toFixed(2)}%` : v.toFixed(2));
const show = (p) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

async function runExample(ex, outDir) {
  const dir = join(root, 'test-data', 'fixtures', ex.name);
  const model = join(outDir, `${ex.name}.int8.onnx`);
  const report = join(outDir, `${ex.name}.report.html`);
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false, cwd: root };
  const code = await main(
    ['quantize', join(dir, 'model.onnx'), '-o', model, '--calib', join(dir, 'calib'), '--eval', join(dir, 'test'), '--metric', ex.metric, '--report', report, '--json'],
    io,
  );
  if (code !== 0) throw new Error(`${ex.name}: octet quantize failed (exit ${code}): ${stderr.trim()}`);
  return { ...ex, model, report, summary: JSON.parse(stdout) };
}

async function run() {
  const { out } = parseArgs(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  console.log(`Octet: quantizing the bundled examples to int8 (static QDQ, per-channel weights) → ${show(out)}/\n`);
  const results = [];
  for (const ex of EXAMPLES) {
    process.stdout.write(`  ${ex.name}: calibrating, quantizing, evaluating… `);
    const t0 = performance.now();
    const r = await runExample(ex, out);
    console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    results.push(r);
  }
  console.log('');
  for (const r of results) {
    const s = r.summary;
    const e = s.eval;
    const better = r.metric === 'accuracy' ? 'higher is better' : 'lower is better';
    console.log(`${r.name} — ${r.task}`);
    console.log(`  ${r.metric.padEnd(9)} float ${fmtMetric(r.metric, e.float)}  →  int8 ${fmtMetric(r.metric, e.quantized)}  (${e.samples} test samples, ${better})`);
    console.log(`  size      ${kib(s.bytes.input)}  →  ${kib(s.bytes.output)}  (${((100 * s.bytes.output) / s.bytes.input).toFixed(0)}%)`);
    console.log(`  latency   ${e.latencyMs.float.toFixed(3)} ms  →  ${e.latencyMs.quantized.toFixed(3)} ms  (Octet runtime, batch ${e.latencyMs.batch}, median)`);
    if (s.keptFloat.length) console.log(`  kept in float by the automatic fallback: ${s.keptFloat.join(', ')}`);
    console.log(`  model     ${show(r.model)}`);
    console.log(`  report    ${show(r.report)}\n`);
  }
  console.log(`Open the reports in a browser (self-contained, no network). Explain a model layer by layer with:\n  npx octet explain test-data/fixtures/cnn_digits/model.onnx ${show(results[1].model)} --data test-data/fixtures/cnn_digits/test`);
}

run().catch((e) => {
  console.error(`\nstart: ${e.message}`);
  process.exit(1);
});
