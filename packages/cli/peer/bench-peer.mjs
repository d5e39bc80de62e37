// Times one model on a peer runtime (onnxruntime-node or onnxruntime-web), in its own process so
// the peers never share onnxruntime-common with each other or with Octet. Spawned by
// `octet bench --vs`: argv[2] is a JSON file { peer, model, feeds: [{ name, type, dims, file }],
// runs, warmup, threads }; prints { peer, version, times } (milliseconds per run) on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  bool: Uint8Array, float16: Uint16Array,
};

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let ort;
try {
  ort = await import(job.peer);
} catch (e) {
  fail(`${job.peer} is not installed (npm install ${job.peer}): ${e.message}`);
}
ort = ort.default?.InferenceSession ? ort.default : ort;
let version = 'unknown';
try {
  // package.json may not be exported: walk up from the resolved entry point.
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(job.peer));
  while (dir !== dirname(dir) && !existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version ?? version;
} catch {
  // keep 'unknown'
}

const options = { graphOptimizationLevel: 'all' };
if (job.peer === 'onnxruntime-web') {
  ort.env.wasm.numThreads = job.threads ?? 1;
  options.executionProviders = ['wasm'];
} else {
  options.executionProviders = ['cpu'];
  if (job.threads) options.intraOpNumThreads = job.threads;
  options.interOpNumThreads = 1;
}

const feeds = {};
for (const f of job.feeds) {
  const bytes = readFileSync(f.file);
  const Ctor = ARRAYS[f.type];
  if (!Ctor) fail(`input '${f.name}': type ${f.type} not supported by the peer bench`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const data = f.type === 'bool' ? Array.from(copy, (v) => v !== 0) : new Ctor(copy.buffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT);
  feeds[f.name] = new ort.Tensor(f.type, data, f.dims);
}

let session;
try {
  session = await ort.InferenceSession.create(readFileSync(job.model), options);
} catch (e) {
  fail(`${job.peer} cannot load ${job.model}: ${String(e.message ?? e).split('\n')[0]}`);
}
const times = [];
try {
  for (let i = 0; i < job.warmup; i++) await session.run(feeds);
  for (let i = 0; i < job.runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
} catch (e) {
  fail(`${job.peer} failed to run ${job.model}: ${String(e.message ?? e).split('\n')[0]}`);
}
await session.release?.();
process.stdout.write(JSON.stringify({ peer: job.peer, version, times }) + '\n');
process.exit(0);
