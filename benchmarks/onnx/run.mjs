// @octet/onnx decode/encode speed and memory beside protobufjs (and bufbuild's own toBinary).
//   node --expose-gc benchmarks/onnx/run.mjs            (npm run bench runs every suite)
// Models: a ~100 MB MatMul stack built with the builder, the largest shared fixture
// (mobilenetv2_digits, falls back to test-data), and the encoder fixture (most nodes).
// Time: median of 9 rounds after 3 warm-ups, in this process, implementations alternating each
// round so a busy shared CPU hits them alike. Memory: each (impl, op, model) runs
// once in a fresh child process; "peak beyond input" is the process's peak RSS during the op
// (Linux: VmHWM, reset just before via /proc/self/clear_refs) minus its RSS with the input
// bytes loaded (for `encode`: with the decoded model loaded).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { file_onnx } from 'onnx-buf';
import { ModelBuilder, ModelProtoSchema, decodeModelProto, encodeModelProto, parseModel, serializeModel } from '@octet/onnx';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');
require('protobufjs/ext/descriptor');

// protobufjs reflection of onnx.proto, from the same descriptor onnx-buf was generated from.
const pbRoot = protobuf.Root.fromDescriptor(toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: [file_onnx.proto] })));
const PbModel = pbRoot.lookupType('onnx.ModelProto');

const impls = {
  octet: {
    label: '@octet/onnx',
    decode: (b) => decodeModelProto(b),
    parse: (b) => parseModel(b),
    encode: (m) => encodeModelProto(m),
    roundtrip: (b) => serializeModel(parseModel(b)),
  },
  bufbuild: {
    label: '@bufbuild/protobuf (fromBinary/toBinary, no checks)',
    decode: (b) => fromBinary(ModelProtoSchema, b),
    encode: (m) => toBinary(ModelProtoSchema, m),
    roundtrip: (b) => toBinary(ModelProtoSchema, fromBinary(ModelProtoSchema, b)),
  },
  protobufjs: {
    label: 'protobufjs 8 (reflection)',
    decode: (b) => PbModel.decode(b),
    encode: (m) => PbModel.encode(m).finish(),
    roundtrip: (b) => PbModel.encode(PbModel.decode(b)).finish(),
  },
};
const OPS = ['decode', 'parse', 'encode', 'roundtrip'];

function procStatus() {
  const out = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

function readBytes(path) {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ---------------------------------------------------------------- child: one memory measurement
if (process.argv[2] === '--child') {
  const [, , , impl, op, file] = process.argv;
  const I = impls[impl];
  // Warm the code paths on a tiny model so JIT memory is not counted.
  const tiny = readBytes(join(repo, 'test-data/fixtures/mlp_diabetes/model.onnx'));
  for (let i = 0; i < 3; i++) I.roundtrip(tiny);
  const bytes = readBytes(file);
  let input = bytes;
  if (op === 'encode') input = I.decode(bytes);
  globalThis.gc?.();
  // Linux: reset the peak-RSS mark to the current RSS so the op's own peak is what we read.
  let resetOk = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resetOk = false;
  }
  const rssBefore = resetOk ? procStatus().VmRSS : process.memoryUsage().rss;
  const t0 = performance.now();
  const out = I[op](input);
  const ms = performance.now() - t0;
  const peak = resetOk ? procStatus().VmHWM : process.resourceUsage().maxRSS * 1024;
  const keep = out; // keep the result alive until measured
  process.stdout.write(JSON.stringify({ ms, peakBeyondInput: Math.max(0, peak - rssBefore), method: resetOk ? 'VmHWM reset' : 'maxRSS', ok: keep !== undefined }));
  process.exit(0);
}

// ---------------------------------------------------------------- main
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.1;
}

/** ~100 MB: 24 MatMul+Add layers of 1024×1024 float32 weights. */
function buildLargeModel() {
  const b = new ModelBuilder({ opset: 17 });
  let x = b.input('x', 'float32', ['batch', 1024]);
  const r = lcg(1);
  for (let l = 0; l < 24; l++) {
    const w = new Float32Array(1024 * 1024);
    for (let i = 0; i < w.length; i++) w[i] = r();
    b.initializer(`w${l}`, 'float32', [1024, 1024], w);
    b.initializer(`b${l}`, 'float32', [1024], new Float32Array(1024).fill(0.01));
    x = b.op('Add', [b.op('MatMul', [x, `w${l}`]), `b${l}`]);
  }
  b.output(x);
  return serializeModel(b.build());
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ms per implementation for one op; implementations alternate each round (shared CPU). */
function timeOps(op, bytes) {
  const entries = Object.entries(impls).filter(([, I]) => I[op]);
  const inputs = entries.map(([, I]) => (op === 'encode' ? I.decode(bytes) : bytes));
  for (let w = 0; w < 3; w++) entries.forEach(([, I], k) => I[op](inputs[k])); // warm-up (JIT tiers)
  const runs = entries.map(() => []);
  for (let r = 0; r < 9; r++) {
    // One collection per round: collecting before every single run ages V8's bytecode so fast
    // that rarely-run functions get flushed and recompiled inside the timed region.
    globalThis.gc?.();
    entries.forEach(([, I], k) => {
      const t0 = performance.now();
      I[op](inputs[k]);
      runs[k].push(performance.now() - t0);
    });
  }
  return Object.fromEntries(entries.map(([name], k) => [name, { median: median(runs[k]), min: Math.min(...runs[k]) }]));
}

function memoryOp(impl, op, file) {
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', impl, op, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out);
}

const tmp = mkdtempSync(join(tmpdir(), 'octet-bench-onnx-'));
try {
  const largest = [join(repo, '../shared/fixtures/mobilenetv2_digits/model.onnx'), join(repo, 'test-data/fixtures/mobilenetv2_digits/model.onnx')].find(existsSync);
  const bigPath = join(tmp, 'matmul-stack-100mb.onnx');
  writeFileSync(bigPath, buildLargeModel());
  const models = [
    { name: 'builder MatMul stack', path: bigPath },
    { name: 'mobilenetv2_digits (largest fixture)', path: largest },
    { name: 'encoder_sentiment (most nodes)', path: join(repo, 'test-data/fixtures/encoder_sentiment/model.onnx') },
  ];
  const rows = [];
  for (const m of models) {
    const bytes = readBytes(m.path);
    // Sanity: every implementation reproduces the bytes.
    for (const [k, I] of Object.entries(impls)) {
      if (!Buffer.from(I.roundtrip(bytes)).equals(Buffer.from(bytes))) console.warn(`note: ${k} round trip is not byte-identical on ${m.name}`);
    }
    for (const op of OPS) {
      const times = timeOps(op, bytes);
      for (const [impl, { median: ms, min }] of Object.entries(times)) {
        const mem = memoryOp(impl, op, m.path);
        rows.push({
          model: m.name,
          modelBytes: bytes.length,
          impl: impls[impl].label,
          op,
          medianMs: +ms.toFixed(2),
          minMs: +min.toFixed(2),
          mbPerS: +(bytes.length / 1e6 / (ms / 1000)).toFixed(1),
          peakBeyondInputBytes: mem.peakBeyondInput,
          peakRatio: +(mem.peakBeyondInput / bytes.length).toFixed(3),
        });
      }
    }
  }
  rows.sort((a, b) => (a.model === b.model ? (a.impl === b.impl ? OPS.indexOf(a.op) - OPS.indexOf(b.op) : a.impl < b.impl ? -1 : 1) : 0));

  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`\n${pad('model', 38)}${lpad('MB', 8)}  ${pad('implementation', 52)}${pad('op', 10)}${lpad('median ms', 10)}${lpad('min ms', 9)}${lpad('MB/s', 9)}${lpad('peak+ MB', 10)}${lpad('× size', 8)}`);
  for (const r of rows) {
    console.log(
      `${pad(r.model, 38)}${lpad((r.modelBytes / 1e6).toFixed(1), 8)}  ${pad(r.impl, 52)}${pad(r.op, 10)}${lpad(r.medianMs.toFixed(1), 10)}${lpad(r.minMs.toFixed(1), 9)}${lpad(r.mbPerS, 9)}${lpad((r.peakBeyondInputBytes / 1e6).toFixed(1), 10)}${lpad(r.peakRatio.toFixed(2), 8)}`,
    );
  }
  console.log('\nMB/s from the median. peak+ = peak RSS during the op minus RSS with the input loaded (encode: with the decoded model loaded); goal for @octet/onnx: < 1.2× model size.');
  mkdirSync(join(here, '..', 'results'), { recursive: true });
  const result = {
    suite: 'onnx',
    date: new Date().toISOString(),
    node: process.version,
    method: 'median of 9 alternating rounds after 3 warm-ups; memory: one run per fresh child process, peak RSS (VmHWM reset before the op) minus RSS with the input loaded',
    rows,
  };
  writeFileSync(join(here, '..', 'results', 'onnx.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote benchmarks/results/onnx.json`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
