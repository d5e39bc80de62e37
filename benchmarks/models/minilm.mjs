// The MiniLM-L6-shaped encoder of the model benchmark, built in code: 6 layers, hidden 384, 12 heads,
// FFN 1536, sequence 128, vocabulary 30522, random weights (fixed seed); inputs input_ids and
// attention_mask [batch, 128] (int64), output the last hidden state [batch, 128, 384]. Quantized
// with @octet/quantizer using the options of the fixtures' reference recipes (ONNX Runtime's
// quantize_static / quantize_dynamic defaults, see ../../../shared/fixtures/README.md):
//   qdq      static, QDQ, per-channel, uint8 activations, int8 weights, MinMax
//   qop      static, QOperator, per-tensor, uint8 activations, int8 weights, MinMax
//   dynamic  dynamic, int8 weights
// (automatic fallback off: the reference tool has none). Calibration: 16 random sequences, run on
// onnxruntime-node. The files are cached under .cache/ (same layout as a fixture folder).
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const MINILM_DIR = join(here, '.cache', 'minilm_l6');
export const MINILM = { layers: 6, hidden: 384, heads: 12, ffn: 1536, seq: 128, vocab: 30522 };
export const MINILM_VARIANTS = {
  qdq: { mode: 'static', format: 'qdq', perChannel: true, calibrationMethod: 'minmax', activationType: 'uint8', weightType: 'int8', autoFallback: false },
  qop: { mode: 'static', format: 'qoperator', perChannel: false, calibrationMethod: 'minmax', activationType: 'uint8', weightType: 'int8', autoFallback: false },
  dynamic: { mode: 'dynamic', weightType: 'int8' },
};

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
}

/** Deterministic token ids [rows, seq] (int64) and an all-ones attention mask. */
export function minilmFeeds(rows, seed = 11) {
  const { seq, vocab } = MINILM;
  const r = lcg(seed);
  const ids = new BigInt64Array(rows * seq);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(Math.floor((r() + 0.5) * vocab));
  const mask = new BigInt64Array(rows * seq).fill(1n);
  return [
    { name: 'input_ids', type: 'int64', dims: [rows, seq], data: ids },
    { name: 'attention_mask', type: 'int64', dims: [rows, seq], data: mask },
  ];
}

async function buildFp32() {
  const { ModelBuilder, encodeModelProto } = await import('@octet/onnx');
  const { layers, hidden: H, heads: HEADS, ffn: F, seq: T, vocab: V } = MINILM;
  const b = new ModelBuilder({ opset: 17 });
  const r = lcg(7);
  const w = (name, dims, scale = 0.05) => {
    const v = new Float32Array(dims.reduce((a, c) => a * c, 1));
    for (let i = 0; i < v.length; i++) v[i] = r() * 2 * scale;
    return b.initializer(name, 'float32', dims, v);
  };
  const filled = (name, n, value) => b.initializer(name, 'float32', [n], new Float32Array(n).fill(value));
  const scalar = (name, v) => b.initializer(name, 'float32', [], [v]);
  b.input('input_ids', 'int64', ['batch', T]);
  b.input('attention_mask', 'int64', ['batch', T]);
  // additive mask [batch, 1, 1, T]: 0 where attended, −10000 where masked (as BERT exporters emit)
  const maskF = b.op('Cast', ['attention_mask'], { to: 1 });
  const maskBias = b.op('Mul', [b.op('Sub', [scalar('mask_one', 1), b.op('Unsqueeze', [maskF, b.initializer('mask_axes', 'int64', [2], [1, 2])])]), scalar('mask_neg', -10000)]);
  let x = b.op('Add', [b.op('Gather', [w('tok', [V, H]), 'input_ids']), w('pos', [T, H])]);
  x = b.op('LayerNormalization', [x, filled('ln0.g', H, 1), filled('ln0.b', H, 0)], { axis: -1, epsilon: 1e-12 });
  const heads = b.initializer('heads_shape', 'int64', [4], [0, 0, HEADS, H / HEADS]);
  const merged = b.initializer('merged_shape', 'int64', [3], [0, 0, H]);
  const attnScale = scalar('attn_scale', Math.sqrt(H / HEADS));
  const half = scalar('half', 0.5);
  const one = scalar('one', 1);
  const rsqrt2 = scalar('rsqrt2', Math.SQRT1_2);
  const linear = (inp, name, k, n) => b.op('Add', [b.op('MatMul', [inp, w(`${name}.w`, [k, n])]), w(`${name}.b`, [n], 0.02)]);
  const layerNorm = (inp, name) => b.op('LayerNormalization', [inp, filled(`${name}.g`, H, 1), filled(`${name}.b`, H, 0)], { axis: -1, epsilon: 1e-12 });
  for (let l = 0; l < layers; l++) {
    const split = (t, perm) => b.op('Transpose', [b.op('Reshape', [t, heads])], { perm });
    const q = split(linear(x, `l${l}.q`, H, H), [0, 2, 1, 3]);
    const k = split(linear(x, `l${l}.k`, H, H), [0, 2, 3, 1]);
    const v = split(linear(x, `l${l}.v`, H, H), [0, 2, 1, 3]);
    const scores = b.op('Add', [b.op('Div', [b.op('MatMul', [q, k]), attnScale]), maskBias]);
    const att = b.op('Softmax', [scores], { axis: -1 });
    const ctx = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [att, v])], { perm: [0, 2, 1, 3] }), merged]);
    x = layerNorm(b.op('Add', [x, linear(ctx, `l${l}.o`, H, H)]), `l${l}.ln1`);
    const h = linear(x, `l${l}.f1`, H, F);
    const gelu = b.op('Mul', [b.op('Mul', [h, half]), b.op('Add', [b.op('Erf', [b.op('Mul', [h, rsqrt2])]), one])]);
    x = layerNorm(b.op('Add', [x, linear(gelu, `l${l}.f2`, F, H)]), `l${l}.ln2`);
  }
  b.output(x, 'float32', ['batch', T, H]);
  return encodeModelProto(b.build().toProto());
}

function writeAtomic(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Builds and quantizes the encoder once (cached); returns the folder (model.onnx, ref/<variant>.onnx). */
export async function ensureMiniLM() {
  const fp32Path = join(MINILM_DIR, 'model.onnx');
  const missing = Object.keys(MINILM_VARIANTS).filter((v) => !existsSync(join(MINILM_DIR, 'ref', `${v}.onnx`)));
  if (existsSync(fp32Path) && missing.length === 0) return MINILM_DIR;
  const fp32 = await buildFp32();
  writeAtomic(fp32Path, fp32);
  const ort = (await import('onnxruntime-node')).default;
  const { quantize, createOrtExecutor } = await import('@octet/quantizer');
  const { encodeModelProto } = await import('@octet/onnx');
  const calibration = Object.fromEntries(minilmFeeds(16, 5).map((t) => [t.name, { type: t.type, dims: t.dims, data: t.data }]));
  for (const v of missing) {
    const o = MINILM_VARIANTS[v];
    const t0 = Date.now();
    const { model } = await quantize(fp32, o.mode === 'static' ? { ...o, calibration, executor: createOrtExecutor(ort), calibrationBatchSize: 8 } : o);
    writeAtomic(join(MINILM_DIR, 'ref', `${v}.onnx`), encodeModelProto(model));
    process.stderr.write(`minilm_l6: quantized ${v} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return MINILM_DIR;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await ensureMiniLM()}\n`);
}
