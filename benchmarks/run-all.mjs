// Runs every suite folder that has a run.mjs, one after another (they must not overlap: 2 cores),
// records how each ended in results/runs.json, then aggregates: results/latest.json, latest.md,
// *.svg and the root README's bench section (aggregate/src, bundled on the fly with esbuild).
//
//   node benchmarks/run-all.mjs                  every suite with its defaults (the full run)
//   node benchmarks/run-all.mjs --quick          short smoke run: 1 round, few cases, heavy suites skipped
//   node benchmarks/run-all.mjs --suite models,kernels   only these suites (others: earlier results)
//   node benchmarks/run-all.mjs --aggregate-only rebuild latest.* from the results already there
// Other arguments are passed to every suite. Needs `npm run build` (root `npm run bench` does it).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..');
const resultsDir = join(here, 'results');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
// `npm run bench -- --quick` reaches this script as npm's config `quick` (in the environment)
const quick = flag('--quick') || process.env.npm_config_quick === 'true';
const aggregateOnly = flag('--aggregate-only');
const only = value('--suite')?.split(',');
const passThrough = argv.filter((a, i) => !['--quick', '--aggregate-only', '--suite'].includes(a) && argv[i - 1] !== '--suite');

// --quick: the suites' own options for a short run; null = skipped (minutes of work even when small).
const QUICK = {
  kernels: ['--rounds', '1'],
  models: ['--rounds', '1', '--case', 'mobilenetv2_digits/ort_qdq'],
  'bundle-size': [],
  onnx: null,
  quantizer: null,
};

// One suite in its own process, output shown as it comes; the last error line is kept for the table.
function runSuite(script, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-8192);
    });
    // 90 minutes is far beyond any suite's full run: a hang must not block the whole bench.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90 * 60_000);
    const done = (code, signal, error) => {
      clearTimeout(timer);
      const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
      const reason = error?.message ?? lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1);
      resolve({ code, signal, reason: code === 0 ? undefined : reason?.slice(0, 200) });
    };
    child.on('error', (e) => done(null, null, e));
    child.on('close', (code, signal) => done(code, signal));
  });
}

let runs;
if (!aggregateOnly) {
  runs = {};
  for (const suite of readdirSync(here, { withFileTypes: true })) {
    const script = join(here, suite.name, 'run.mjs');
    if (!suite.isDirectory() || !existsSync(script)) continue;
    if (only && !only.includes(suite.name)) {
      runs[suite.name] = { state: 'skipped', reason: 'not selected by --suite' };
      continue;
    }
    if (quick && QUICK[suite.name] === null) {
      runs[suite.name] = { state: 'skipped', reason: '--quick' };
      continue;
    }
    const args = [...(quick ? (QUICK[suite.name] ?? []) : []), ...passThrough];
    console.log(`\n## ${suite.name} ${args.join(' ')}`);
    const startedAt = new Date();
    const r = await runSuite(script, args);
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    runs[suite.name] =
      r.code === 0
        ? { state: 'ok', exitCode: 0, seconds, startedAt: startedAt.toISOString() }
        : { state: 'failed', exitCode: r.code, signal: r.signal, seconds, startedAt: startedAt.toISOString(), ...(r.reason ? { reason: r.reason } : {}) };
  }
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'runs.json'), JSON.stringify({ date: new Date().toISOString(), quick, runs }, null, 1));
}

// The aggregator is TypeScript (tested by vitest from source); esbuild turns it into one ES module
// here, leaving packages (@octet/report's dist) to Node's resolution.
const bundled = join(repo, '.bench-tmp', 'aggregate.mjs');
await build({ entryPoints: [join(here, 'aggregate/src/main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bundled, logLevel: 'error' });
const { aggregate } = await import(pathToFileURL(bundled).href).catch((e) => {
  console.error(`aggregator cannot load (${e.message}); run \`npm run build\` first (it needs @octet/report's dist)`);
  process.exit(1);
});
const { latest, charts, readmeUpdated } = await aggregate({
  resultsDir,
  repoRoot: repo,
  runs,
  quick,
  // A quick smoke run never replaces the README's table.
  readme: quick ? undefined : join(repo, 'README.md'),
});
console.log(`\n## aggregate\nwrote ${join(resultsDir, 'latest.json')}, latest.md${charts.length ? `, ${charts.join(', ')}` : ''}${readmeUpdated ? '; README bench section updated' : ''}`);
for (const s of latest.suites) if (s.state !== 'ok') console.log(`  ${s.name}: ${s.state}${s.detail ? ` (${s.detail})` : ''}`);
process.exit(latest.suites.some((s) => s.state === 'failed') ? 1 : 0);
