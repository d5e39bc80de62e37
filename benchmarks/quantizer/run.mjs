// @octet/quantizer speed and memory (not a test). Run under the shared lock:
//   flock /tmp/octet-bench.lock node benchmarks/quantizer/run.mjs
// Needs the packages built (`npm run build`). Each case runs in its own child process so its peak
// RSS (Linux VmHWM) is its own; "peak beyond baseline" subtracts the RSS after imports and setup.
//  1. static QDQ (defaults: per-channel, MinMax, automatic fallback) of a MiniLM-L6-shaped encoder
//     (~22.7 M parameters, built with @octet/onnx's ModelBuilder), 128 calibration samples × 32 tokens,
//     calibration on onnxruntime-node. Goal: < 10 s.
//  2. weight-only int4 (MatMulNBits, block 32) of a ~537 M-parameter MatMul stack stored as external
//     data, file to file. Goal: peak < 1.5 × largest tensor + output buffer (streamed).
// The peer (ONNX Runtime's Python quantizer) cannot run here (no Python package registry); the
// fixtures' ref/metrics.json record its times on the small models for comparison.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');

function procStatus() {
  const out = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {}
}
const MB = (b) => (b / 2 ** 20).toFixed(1);

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
}

// ---------- case 1: MiniLM-shaped encoder ----------
async function buildEncoder() {
  const { ModelBuilder } = await import('@octet/onnx');
  const V = 30522, H = 384, L = 6, F = 1536, HEADS = 12, T = 32;
  const b = new ModelBuilder({ opset: 17 });
  const r = lcg(7);
  const w = (name, dims, scale = 0.05) => {
    const n = dims.reduce((a, c) => a * c, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = r() * 2 * scale;
    return b.initializer(name, 'float32', dims, v);
  };
  const ones = (name, n) => b.initializer(name, 'float32', [n], new Float32Array(n).fill(1));
  const zeros = (name, n) => b.initializer(name, 'float32', [n], new Float32Array(n));
  b.input('input_ids', 'int64', ['batch', T]);
  const tok = b.op('Gather', [w('tok', [V, H]), 'input_ids']);
  let x = b.op('Add', [tok, w('pos', [T, H])]);
  x = b.op('LayerNormalization', [x, ones('ln0.g', H), zeros('ln0.b', H)], { axis: -1, epsilon: 1e-12 });
  const heads = b.initializer('heads_shape', 'int64', [4], [0, 0, HEADS, H / HEADS]);
  const merged = b.initializer('merged_shape', 'int64', [3], [0, 0, H]);
  const scale = b.initializer('attn_scale', 'float32', [], [Math.sqrt(H / HEADS)]);
  const half = b.initializer('half', 'float32', [], [0.5]);
  const one = b.initializer('one', 'float32', [], [1]);
  const rsqrt2 = b.initializer('rsqrt2', 'float32', [], [Math.SQRT1_2]);
  const linear = (inp, name, k, n) => b.op('Add', [b.op('MatMul', [inp, w(`${name}.w`, [k, n])]), w(`${name}.b`, [n], 0.02)]);
  for (let l = 0; l < L; l++) {
    const split = (t, perm) => b.op('Transpose', [b.op('Reshape', [t, heads])], { perm });
    const q = split(linear(x, `l${l}.q`, H, H), [0, 2, 1, 3]);
    const k = split(linear(x, `l${l}.k`, H, H), [0, 2, 3, 1]);
    const v = split(linear(x, `l${l}.v`, H, H), [0, 2, 1, 3]);
    const att = b.op('Softmax', [b.op('Div', [b.op('MatMul', [q, k]), scale])], { axis: -1 });
    const ctx = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [att, v])], { perm: [0, 2, 1, 3] }), merged]);
    x = b.op('LayerNormalization', [b.op('Add', [x, linear(ctx, `l${l}.o`, H, H)]), ones(`l${l}.ln1.g`, H), zeros(`l${l}.ln1.b`, H)], { axis: -1 });
    const h = linear(x, `l${l}.f1`, H, F);
    const gelu = b.op('Mul', [b.op('Mul', [h, half]), b.op('Add', [b.op('Erf', [b.op('Mul', [h, rsqrt2])]), one])]);
    x = b.op('LayerNormalization', [b.op('Add', [x, linear(gelu, `l${l}.f2`, F, H)]), ones(`l${l}.ln2.g`, H), zeros(`l${l}.ln2.b`, H)], { axis: -1 });
  }
  b.output(x, 'float32', ['batch', T, H]);
  const model = b.build();
  let params = 0;
  for (const t of model.toProto().graph.initializer) params += t.dims.reduce((a, c) => a * Number(c), 1);
  return { proto: model.toProto(), params, T, V };
}

async function caseEncoder() {
  const ort = await import('onnxruntime-node');
  const { quantize, createOrtExecutor } = await import('@octet/quantizer');
  const { encodeModelProto } = await import('@octet/onnx');
  const { proto, params, T, V } = await buildEncoder();
  const bytes = encodeModelProto(proto);
  const N = 128;
  const ids = new BigInt64Array(N * T);
  const r = lcg(11);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(Math.floor((r() + 0.5) * V));
  const calibration = { input_ids: { type: 'int64', data: ids, dims: [N, T] } };
  const executor = createOrtExecutor(ort);
  const base = procStatus().VmRSS;
  resetPeak();
  const stages = {};
  let last = Date.now();
  let stage = 'start';
  const t0 = Date.now();
  const { model, report } = await quantize(bytes, {
    mode: 'static',
    calibration,
    executor,
    onProgress: (e) => {
      if (e.stage !== stage) {
        const now = Date.now();
        stages[stage] = (stages[stage] ?? 0) + (now - last) / 1000;
        stage = e.stage;
        last = now;
      }
    },
  });
  const out = encodeModelProto(model);
  const seconds = (Date.now() - t0) / 1000;
  stages[stage] = (stages[stage] ?? 0) + (Date.now() - last) / 1000;
  const peak = procStatus().VmHWM;
  return {
    case: 'static QDQ, MiniLM-L6-shaped encoder',
    params,
    calibrationSamples: N,
    tokens: T,
    seconds,
    stages,
    inputBytes: bytes.length,
    outputBytes: out.length,
    quantizedNodes: report.quantizedNodes.length,
    fallback: report.fallback.map((f) => f.tensor),
    outputSqnrDb: report.outputSqnrDb,
    peakBeyondBaselineMB: Number(MB(peak - base)),
    goal: 'seconds < 10',
    met: seconds < 10,
  };
}

// ---------- case 2: int4 weight-only of a ~537M-parameter MatMul stack in external data ----------
const STACK = { layers: 16, K: 4096, N: 8192, M: 4 };

async function writeStack(dir) {
  const { ModelBuilder, encodeModelProto } = await import('@octet/onnx');
  const { create } = await import('@bufbuild/protobuf');
  const { StringStringEntryProtoSchema } = await import('onnx-buf');
  const { layers, K, N } = STACK;
  const b = new ModelBuilder({ opset: 17 });
  b.input('x', 'float32', ['batch', K]);
  let x = 'x';
  const names = [];
  for (let l = 0; l < layers; l++) {
    const [k, n] = l % 2 === 0 ? [K, N] : [N, K];
    const w = b.initializer(`w${l}`, 'float32', [k, n]);
    names.push([w, k * n]);
    x = b.op('MatMul', [x, w]);
  }
  b.output(x, 'float32', ['batch', K]);
  const proto = b.build({ inferShapes: false }).toProto();
  // payloads go to model.onnx.data, written one tensor at a time
  const fd = openSync(join(dir, 'model.onnx.data'), 'w');
  let offset = 0;
  const r = lcg(3);
  for (const t of proto.graph.initializer) {
    const n = t.dims.reduce((a, c) => a * Number(c), 1);
    const chunk = new Float32Array(1 << 20);
    for (let done = 0; done < n; done += chunk.length) {
      const m = Math.min(chunk.length, n - done);
      for (let i = 0; i < m; i++) chunk[i] = r() * 0.04;
      writeSync(fd, new Uint8Array(chunk.buffer, 0, m * 4), 0, m * 4, offset + done * 4);
    }
    t.rawData = new Uint8Array(0);
    t.floatData = [];
    t.dataLocation = 1;
    t.externalData = [
      create(StringStringEntryProtoSchema, { key: 'location', value: 'model.onnx.data' }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(n * 4) }),
    ];
    offset += n * 4;
  }
  closeSync(fd);
  writeFileSync(join(dir, 'model.onnx'), encodeModelProto(proto));
  return { params: names.reduce((a, [, n]) => a + n, 0), largestBytes: Math.max(...names.map(([, n]) => n * 4)), dataBytes: offset };
}

async function caseInt4(dir) {
  const { quantizeFile } = await import('@octet/quantizer/node');
  const info = JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8'));
  const base = procStatus().VmRSS;
  resetPeak();
  const t0 = Date.now();
  const { report } = await quantizeFile(join(dir, 'model.onnx'), join(dir, 'int4.onnx'), { mode: 'weight-only', bits: 4, blockSize: 32 });
  const seconds = (Date.now() - t0) / 1000;
  const peak = procStatus().VmHWM;
  const outBytes = statSync(join(dir, 'int4.onnx')).size + statSync(join(dir, 'int4.onnx.data')).size;
  const budget = 1.5 * info.largestBytes + outBytes;
  return {
    case: 'weight-only int4 (MatMulNBits, block 32), external data, file to file',
    params: info.params,
    inputBytes: info.dataBytes,
    largestTensorMB: Number(MB(info.largestBytes)),
    outputBytes: outBytes,
    seconds,
    quantizedNodes: report.quantizedNodes.length,
    peakBeyondBaselineMB: Number(MB(peak - base)),
    budgetMB: Number(MB(budget)),
    goal: 'peak < 1.5 × largest tensor + output',
    met: peak - base < budget,
  };
}

// ---------- driver ----------
const which = process.argv[2];
if (which === '--case-encoder') {
  console.log(JSON.stringify(await caseEncoder()));
} else if (which === '--case-int4') {
  console.log(JSON.stringify(await caseInt4(process.argv[3])));
} else {
  const results = [];
  const child = (args) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop());
  results.push(child(['--case-encoder']));
  const dir = mkdtempSync(join(tmpdir(), 'octet-q-bench-'));
  try {
    const info = await writeStack(dir);
    writeFileSync(join(dir, 'info.json'), JSON.stringify(info));
    results.push(child(['--case-int4', dir]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n| case | params | seconds | peak beyond baseline (MB) | goal | met |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.case} | ${(r.params / 1e6).toFixed(1)} M | ${r.seconds.toFixed(2)} | ${r.peakBeyondBaselineMB}${r.budgetMB ? ` (budget ${r.budgetMB})` : ''} | ${r.goal} | ${r.met ? 'yes' : 'NO'} |`);
  console.log('\nencoder stages (s):', JSON.stringify(results[0].stages), 'fallback:', results[0].fallback, 'output SQNR:', JSON.stringify(results[0].outputSqnrDb));
  mkdirSync(join(repo, 'benchmarks', 'results'), { recursive: true });
  writeFileSync(join(repo, 'benchmarks', 'results', 'quantizer.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
}
