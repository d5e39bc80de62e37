// The float side of a transformer encoder layer, Octet vs onnxruntime-web in ONE process (not a
// test): the subgraphs ORT's dynamic quantizer leaves in fp32 — attention (Q·Kᵀ / √d + mask →
// Softmax → ·V, with the head split/merge Transposes), the erf Gelu and LayerNormalization —
// MiniLM-shaped (hidden 384, 12 heads, FFN 1536, sequence 128), built here with @octet/onnx.
// Octet runs through @octet/runtime (baseline SIMD build, 1 thread), ort-web wasm with 1 thread;
// short alternating batches timed in process CPU time (cpu-clock.mjs), median of the ratios.
//
// `residual` is the post-LN block's LayerNorm(x + sublayer(x)): Octet's AddLayerNormalization,
// ort-web's SkipLayerNormalization.
//
//   flock /tmp/octet-bench.lock node benchmarks/kernels/float-ops.mjs [--batch 1] [--pairs 15] [--cases attention,gelu,layernorm,residual]
import { ModelBuilder, encodeModelProto } from '@octet/onnx';
import { loadKernels } from '@octet/kernels';
import { createSession } from '@octet/runtime';
import * as ort from 'onnxruntime-web';
import { cpuNow } from './cpu-clock.mjs';

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const B = Number(arg('--batch', 1));
const PAIRS = Number(arg('--pairs', 15));
const only = arg('--cases', 'attention,gelu,layernorm,residual').split(',');
const [T, H, HEADS, F] = [128, 384, 12, 1536];
ort.env.wasm.numThreads = 1;

let seed = 3;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
const randn = (n, scale) => Float32Array.from({ length: n }, () => rnd() * 2 * scale);

function attentionModel() {
  const b = new ModelBuilder({ opset: 17 });
  for (const n of ['q', 'k', 'v']) b.input(n, 'float32', [B, T, H]);
  b.input('mask', 'float32', [B, 1, 1, T]);
  const heads = b.initializer('heads', 'int64', [4], [0, 0, HEADS, H / HEADS]);
  const merged = b.initializer('merged', 'int64', [3], [0, 0, H]);
  const split = (t, perm) => b.op('Transpose', [b.op('Reshape', [t, heads])], { perm });
  const scores = b.op('Add', [b.op('Div', [b.op('MatMul', [split('q', [0, 2, 1, 3]), split('k', [0, 2, 3, 1])]), b.initializer('scale', 'float32', [], [Math.sqrt(H / HEADS)])]), 'mask']);
  const p = b.op('Softmax', [scores], { axis: -1 });
  const ctx = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [p, split('v', [0, 2, 1, 3])])], { perm: [0, 2, 1, 3] }), merged]);
  b.output(ctx, 'float32', [B, T, H]);
  const mask = new Float32Array(B * T);
  for (let i = 0; i < mask.length; i++) mask[i] = i % T > T - 9 ? -10000 : 0; // a padded tail
  return { bytes: encodeModelProto(b.build().toProto()), feeds: { q: [randn(B * T * H, 1), [B, T, H]], k: [randn(B * T * H, 1), [B, T, H]], v: [randn(B * T * H, 1), [B, T, H]], mask: [mask, [B, 1, 1, T]] } };
}

function geluModel() {
  const b = new ModelBuilder({ opset: 17 });
  b.input('h', 'float32', [B, T, F]);
  const s = (n, v) => b.initializer(n, 'float32', [], [v]);
  const g = b.op('Mul', [b.op('Mul', ['h', s('half', 0.5)]), b.op('Add', [b.op('Erf', [b.op('Mul', ['h', s('rsqrt2', Math.SQRT1_2)])]), s('one', 1)])]);
  b.output(g, 'float32', [B, T, F]);
  return { bytes: encodeModelProto(b.build().toProto()), feeds: { h: [randn(B * T * F, 3), [B, T, F]] } };
}

function layerNormModel() {
  const b = new ModelBuilder({ opset: 17 });
  b.input('x', 'float32', [B, T, H]);
  const y = b.op('LayerNormalization', ['x', b.initializer('g', 'float32', [H], randn(H, 1)), b.initializer('b', 'float32', [H], randn(H, 0.1))], { axis: -1, epsilon: 1e-12 });
  b.output(y, 'float32', [B, T, H]);
  return { bytes: encodeModelProto(b.build().toProto()), feeds: { x: [randn(B * T * H, 2), [B, T, H]] } };
}

function residualModel() {
  const b = new ModelBuilder({ opset: 17 });
  b.input('x', 'float32', [B, T, H]);
  b.input('r', 'float32', [B, T, H]);
  const y = b.op('LayerNormalization', [b.op('Add', ['x', 'r']), b.initializer('g', 'float32', [H], randn(H, 1)), b.initializer('b', 'float32', [H], randn(H, 0.1))], { axis: -1, epsilon: 1e-12 });
  b.output(y, 'float32', [B, T, H]);
  return { bytes: encodeModelProto(b.build().toProto()), feeds: { x: [randn(B * T * H, 2), [B, T, H]], r: [randn(B * T * H, 2), [B, T, H]] } };
}

const kernels = await loadKernels({ variant: 'simd' });
const median = (xs) => [...xs].sort((a, c) => a - c)[xs.length >> 1];
for (const [name, make] of [['attention', attentionModel], ['gelu', geluModel], ['layernorm', layerNormModel], ['residual', residualModel]]) {
  if (!only.includes(name)) continue;
  const { bytes, feeds } = make();
  const octet = await createSession(bytes, { kernels });
  const web = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const octetFeeds = Object.fromEntries(Object.entries(feeds).map(([n, [data, dims]]) => [n, { type: 'float32', dims, data }]));
  const webFeeds = Object.fromEntries(Object.entries(feeds).map(([n, [data, dims]]) => [n, new ort.Tensor('float32', data, dims)]));
  // outputs agree (fp32, different summation orders)
  const a = Object.values(octet.runSync(octetFeeds))[0].data;
  const w = Object.values(await web.run(webFeeds))[0].data;
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - w[i]) / Math.max(1, Math.abs(w[i])));
  const reps = 5;
  const runOctet = async () => { for (let i = 0; i < reps; i++) octet.runSync(octetFeeds); };
  const runWeb = async () => { for (let i = 0; i < reps; i++) await web.run(webFeeds); };
  for (let i = 0; i < 3; i++) { await runOctet(); await runWeb(); }
  const t = { octet: [], web: [] };
  for (let p = 0; p < PAIRS; p++) {
    for (const [who, fn] of p & 1 ? [['web', runWeb], ['octet', runOctet]] : [['octet', runOctet], ['web', runWeb]]) {
      const t0 = cpuNow();
      await fn();
      t[who].push((cpuNow() - t0) / reps);
    }
  }
  const ratio = median(t.web.map((x, i) => x / t.octet[i]));
  console.log(`${name.padEnd(10)} b${B}: Octet ${median(t.octet).toFixed(3)} ms, ort-web ${median(t.web).toFixed(3)} ms — ort-web ÷ Octet ${ratio.toFixed(2)}× (max rel. difference ${err.toExponential(1)})`);
  octet.dispose();
  await web.release();
}
await kernels.dispose();
