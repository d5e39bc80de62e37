// The relaxed-SIMD build's fp32 accumulations (relaxed_madd) checked in a Node child process
// with relaxed SIMD enabled: SGEMM (4×8 and 1×8 tiles), MatMulNBits (M = 1 and M > 1), the
// depthwise convolution, the unary math (polynomials), softmax and the attention softmax against
// float64 references.
// (In Chromium the build is selected by the loader; relaxed_madd may be fused or not — both are
// within these bounds.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceAttentionSoftmax } from '../reference/attention.js';
import { referenceSoftmax, referenceUnary, type UnaryOpName } from '../reference/elementwise.js';

const WASM = fileURLToPath(new URL('../../build/octet-kernels-relaxed.wasm', import.meta.url));

const CHILD = String.raw`
import { readFileSync } from 'node:fs';
const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]), { env: { abort() { throw new Error('abort'); } } });
const e = instance.exports;
let top = (e.octet_heap_base() + 63) & ~63;
const alloc = (bytes) => { const p = top; top = (top + bytes + 63) & ~63; while (top > e.memory.buffer.byteLength) e.memory.grow(16); return p; };
let seed = 12345;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
const f32 = (n) => { const p = alloc(n * 4); const v = new Float32Array(e.memory.buffer, p, n); for (let i = 0; i < n; i++) v[i] = rnd() * 2 - 1; return [p, Float32Array.from(v)]; };
const view = (p, n) => new Float32Array(e.memory.buffer, p, n);
const bits = (v) => new Int32Array(Float32Array.of(v).buffer)[0];
const out = {};
// SGEMM
{
  const M = 7, K = 37, N = 21;
  const [a, A] = f32(M * K), [b, B] = f32(K * N);
  const packed = alloc(Math.ceil(N / 8) * 8 * K * 4), c = alloc(M * N * 4);
  e.f32_gemm_pack_b(b, N, K, N, 0, packed);
  e.f32_gemm_4x8_minmax_wasmsimd(M, N, K, a, K, packed, c, N, 0, 0, -Infinity, Infinity);
  const C = view(c, M * N);
  let err = 0;
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) { let s = 0; for (let k = 0; k < K; k++) s += A[m * K + k] * B[k * N + n]; err = Math.max(err, Math.abs(C[m * N + n] - s)); }
  out.sgemm = err;
}
// MatMulNBits, 4-bit, default zero point
for (const M of [1, 3]) {
  const N = 9, K = 80, bs = 32, nb = Math.ceil(K / bs);
  const [a, A] = f32(M * K);
  const bq = alloc(N * nb * bs / 2); const Bq = new Uint8Array(e.memory.buffer, bq, N * nb * bs / 2); for (let i = 0; i < Bq.length; i++) Bq[i] = Math.floor(rnd() * 256);
  const sp = alloc(N * nb * 4); const S = view(sp, N * nb); for (let i = 0; i < S.length; i++) S[i] = 0.01 + rnd() * 0.05;
  const y = alloc(M * N * 4), scratch = alloc(e.f32_matmul_nbits_scratch_bytes(M, K, bs));
  e.f32_matmul_nbits_wasmsimd(a, bq, sp, 0, 0, 0, y, N, M, N, K, 4, bs, scratch);
  const Y = view(y, M * N);
  let err = 0;
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) { const blk = Math.floor(k / bs), kk = k % bs; const byte = Bq[(n * nb + blk) * (bs / 2) + (kk >> 1)]; const q = kk & 1 ? byte >> 4 : byte & 15; s += A[m * K + k] * Math.fround((q - 8) * S[n * nb + blk]); }
    err = Math.max(err, Math.abs(Y[m * N + n] - s));
  }
  out['nbits' + M] = err;
}
// depthwise conv 3×3, pad 1, 2 channels, 9×13
{
  const C = 2, H = 9, W = 13;
  const [x, X] = f32(C * H * W), [w, Wt] = f32(C * 9);
  const y = alloc(C * H * W * 4);
  e.f32_conv2d_wasmsimd(x, w, 0, y, 1, C, H, W, C, H, W, 3, 3, 1, 1, 1, 1, 1, 1, C, bits(-Infinity), bits(Infinity), 0, 0, C);
  const Y = view(y, C * H * W);
  let err = 0;
  for (let c = 0; c < C; c++) for (let oy = 0; oy < H; oy++) for (let ox = 0; ox < W; ox++) {
    let s = 0;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) { const iy = oy - 1 + ky, ix = ox - 1 + kx; if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += X[(c * H + iy) * W + ix] * Wt[c * 9 + ky * 3 + kx]; }
    err = Math.max(err, Math.abs(Y[(c * H + oy) * W + ox] - s));
  }
  out.dwconv = err;
}
// unary math (polynomial steps fused in this build) and softmax: inputs and outputs go back to the
// test, which checks them against the float64 references
out.unary = {};
for (const [name, op, lo, hi] of [['exp', 7, -87, 88.5], ['erf', 8, -5, 5], ['tanh', 3, -10, 10], ['sigmoid', 2, -80, 30], ['gelu', 4, -8, 8], ['gelu_tanh', 13, -8, 8]]) {
  const n = 1027;
  const x = alloc(n * 4), y = alloc(n * 4);
  const X = view(x, n);
  for (let i = 0; i < n; i++) X[i] = lo + (hi - lo) * rnd();
  e.f32_unary_wasmsimd(op, x, y, n, 0, 0);
  out.unary[name] = { x: Array.from(X), y: Array.from(view(y, n)) };
}
{
  // Gelu's worst errors sit where 1 + erf cancels: a dense grid over [−6, −4.5]
  const n = 1 << 15;
  const x = alloc(n * 4), y = alloc(n * 4);
  const X = view(x, n);
  for (let i = 0; i < n; i++) X[i] = -6 + (1.5 * i) / (n - 1);
  e.f32_unary_wasmsimd(4, x, y, n, 0, 0);
  out.unary.gelu.x.push(...X);
  out.unary.gelu.y.push(...view(y, n));
}
{
  const rows = 5, n = 37;
  const x = alloc(rows * n * 4), y = alloc(rows * n * 4);
  const X = view(x, rows * n);
  for (let i = 0; i < rows * n; i++) X[i] = (rnd() * 2 - 1) * 30;
  e.f32_softmax_wasmsimd(x, y, rows, n, 0);
  out.softmax = { rows, n, x: Array.from(X), y: Array.from(view(y, rows * n)) };
}
// attention softmax: f32 out, scale 1/div, [1, T] mask of 0 / −10000 (rows 0..rows−1 share it)
{
  const rows = 6, n = 37;
  const x = alloc(rows * n * 4), y = alloc(rows * n * 4), mask = alloc(n * 4), params = alloc(64);
  const X = view(x, rows * n), M = view(mask, n);
  for (let i = 0; i < rows * n; i++) X[i] = (rnd() * 2 - 1) * 40;
  for (let i = 0; i < n; i++) M[i] = i % 5 === 3 ? -10000 : 0;
  view(params, 10).set([1, 8, 1, 0, 0, 0, 1, 0, 0, 0]);
  new Int32Array(e.memory.buffer, params + 40, 3).set([0, rows, 0]);
  e.f32_attention_softmax__wasmsimd(x, y, rows, n, 0, mask, params, 0);
  out.attention = { rows, n, x: Array.from(X), mask: Array.from(M), y: Array.from(view(y, rows * n)) };
}
process.stdout.write(JSON.stringify(out));
`;

interface ChildResult {
  sgemm: number;
  nbits1: number;
  nbits3: number;
  dwconv: number;
  unary: Record<string, { x: number[]; y: number[] }>;
  softmax: { rows: number; n: number; x: number[]; y: number[] };
  attention: { rows: number; n: number; x: number[]; mask: number[]; y: number[] };
}

describe('relaxed-SIMD build: fused fp32 accumulations', () => {
  it('SGEMM, MatMulNBits, depthwise conv, unary math and softmax agree with float64 references', () => {
    expect(existsSync(WASM)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'octet-relaxed-'));
    try {
      const script = join(dir, 'child.mjs');
      writeFileSync(script, CHILD);
      const res = JSON.parse(execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', script, WASM], { encoding: 'utf8', maxBuffer: 1 << 26 })) as ChildResult;
      expect(Object.keys(res).sort()).toEqual(['attention', 'dwconv', 'nbits1', 'nbits3', 'sgemm', 'softmax', 'unary']);
      expect(res.sgemm).toBeLessThan(1e-5);
      expect(res.nbits1).toBeLessThan(1e-4);
      expect(res.nbits3).toBeLessThan(1e-4);
      expect(res.dwconv).toBeLessThan(1e-5);
      // the same bounds as the baseline build (src/elementwise/elementwise.test.ts): [bound, floor]
      const bounds: Record<string, [number, number]> = {
        exp: [3e-7, 0], erf: [5e-7, 0], tanh: [5e-7, 0], sigmoid: [5e-7, 0], gelu: [1e-6, 1], gelu_tanh: [1e-6, 1],
      };
      expect(Object.keys(res.unary).sort()).toEqual(Object.keys(bounds).sort());
      for (const [op, { x, y }] of Object.entries(res.unary)) {
        const [bound, floor] = bounds[op];
        const worst = Math.max(...x.map((v, i) => Math.abs(y[i] - referenceUnary(op as UnaryOpName, v)) / Math.max(Math.abs(referenceUnary(op as UnaryOpName, v)), floor)));
        expect(worst, op).toBeLessThanOrEqual(bound);
      }
      const sm = res.softmax;
      const want = referenceSoftmax(sm.x, sm.rows, sm.n);
      expect(Math.max(...sm.y.map((v, i) => Math.abs(v - want[i]) / Math.max(want[i], 1e-30)))).toBeLessThan(5e-6);
      const at = res.attention;
      const wantAt = referenceAttentionSoftmax(at.x, at.rows, at.n, at.mask, { mul: 1, div: 8, maskGroupRows: at.rows, output: { dtype: 'float32' } });
      expect(Math.max(...at.y.map((v, i) => Math.abs(v - wantAt[i]) / Math.max(wantAt[i], 1e-30)))).toBeLessThan(5e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
