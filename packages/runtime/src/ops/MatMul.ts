import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { broadcastDims, stridesOf } from '../shape-utils.js';
import { sizeOf } from '../tensor.js';
import { gemmTS } from './gemm-ts.js';
import { createSgemm, packBInto, packedBFloats, type Sgemm } from '@octet/kernels';
import { inputPtr, outputPtr } from './wasm-ptr.js';

// numpy.matmul semantics: 1-D operands are promoted and the added axis removed; batch axes
// broadcast.
export const matMulConfig: OpConfig = {
  opType: 'MatMul',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareMatMul(ctx),
};

/**
 * ai.octet MatMulAdd (emitted by the fuse-matmul-bias pattern): MatMul(A, B) + bias, with a
 * constant bias of N values added in the GEMM's store.
 */
export const matMulAddConfig: OpConfig = {
  opType: 'MatMulAdd',
  domain: 'ai.octet',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const bias = ctx.constant(2);
    if (!bias || bias.dtype !== ctx.input(0).dtype) return ctx.fail('bias must be a constant of the input type');
    return prepareMatMul(ctx, bias.data as Float32Array);
  },
};

function prepareMatMul(ctx: OpContext, bias?: Float32Array): PreparedOp {
  const a = ctx.input(0);
  const b = ctx.input(1);
  if (a.dtype !== b.dtype) ctx.fail(`input types differ: ${a.dtype} and ${b.dtype}`);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') ctx.fail(`${a.dtype} MatMul is not supported (use MatMulInteger)`);
  const ad = a.dims.length === 1 ? [1, a.dims[0]] : [...a.dims];
  const bd = b.dims.length === 1 ? [b.dims[0], 1] : [...b.dims];
  const m = ad[ad.length - 2];
  const k = ad[ad.length - 1];
  const n = bd[bd.length - 1];
  if (bd[bd.length - 2] !== k) ctx.fail(`shapes [${a.dims.join(', ')}] and [${b.dims.join(', ')}] do not match (K ${k} vs ${bd[bd.length - 2]})`);
  const batch = broadcastDims(ad.slice(0, -2), bd.slice(0, -2));
  const dims = [...batch, m, n];
  if (a.dims.length === 1) dims.splice(dims.length - 2, 1);
  if (b.dims.length === 1) dims.splice(dims.length - 1, 1);
  const batches = sizeOf(batch);
  // Flat offset of each batch's A and B matrices, computed once.
  const aOff = new Int32Array(batches);
  const bOff = new Int32Array(batches);
  const ab = ad.slice(0, -2);
  const bb = bd.slice(0, -2);
  const bs = stridesOf(batch);
  for (let t = 0; t < batches; t++) {
    let ia = 0, ib = 0, rem = t;
    const sa = stridesOf(ab), sb = stridesOf(bb);
    for (let q = 0; q < batch.length; q++) {
      const c = Math.floor(rem / bs[q]);
      rem -= c * bs[q];
      const qa = q - (batch.length - ab.length);
      const qb = q - (batch.length - bb.length);
      if (qa >= 0 && ab[qa] !== 1) ia += c * sa[qa];
      if (qb >= 0 && bb[qb] !== 1) ib += c * sb[qb];
    }
    aOff[t] = ia * m * k;
    bOff[t] = ib * k * n;
  }
  if (bias && bias.length !== n) ctx.fail(`bias has ${bias.length} values, N is ${n}`);
  const rows = sizeOf(dims) / Math.max(n, 1);
  const addBias = (C: Float32Array) => {
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) C[r * n + j] += bias![j];
  };
  const kern = ctx.kernels;
  if (kern && a.dtype === 'float32' && m * n * k > 0) {
    const ap = inputPtr(ctx, 0);
    const cp = outputPtr;
    const constB = ctx.constant(1);
    const bIs2d = bd.length === 2;
    if (constB && bIs2d) {
      // Constant weights: packed once; A's batches are one tall matrix when B is shared.
      let sg = ctx.cache.get('sgemm') as Sgemm | undefined;
      if (!sg) {
        sg = createSgemm(kern, { K: k, N: n, b: constB.data as Float32Array, bias: bias ? { kind: 'col', data: bias } : null });
        ctx.cache.set('sgemm', sg);
        const g = sg;
        ctx.onDispose(() => g.dispose());
      }
      const g = sg;
      const contiguous = aOff.every((o, t) => o === t * m * k);
      return {
        outputs: [{ dtype: a.dtype, dims }],
        run(inputs, outputs) {
          const A = ap(inputs[0]);
          const C = cp(outputs[0]);
          if (contiguous) g.runInto(A, C, batches * m);
          else for (let t = 0; t < batches; t++) g.runInto(A + aOff[t] * 4, C + t * m * n * 4, m);
        },
      };
    }
    const bp = inputPtr(ctx, 1);
    const scratch = ctx.scratchPtr('packB', packedBFloats(k, n) * 4);
    // Both operands are activations (attention scores): pack B, then the 4×8 kernel, per batch.
    const gemm = kern.exports.f32_gemm_4x8_minmax_wasmsimd;
    return {
      outputs: [{ dtype: a.dtype, dims }],
      run(inputs, outputs) {
        const A = ap(inputs[0]);
        const B = bp(inputs[1]);
        const C = cp(outputs[0]);
        for (let t = 0; t < batches; t++) {
          packBInto(kern, B + bOff[t] * 4, n, k, n, false, scratch);
          gemm(m, n, k, A + aOff[t] * 4, k, scratch, C + t * m * n * 4, n, 0, 0, -Infinity, Infinity);
        }
        if (bias) addBias(outputs[0].data as Float32Array);
      },
    };
  }
  return {
    outputs: [{ dtype: a.dtype, dims }],
    run(inputs, outputs) {
      const A = inputs[0].data as Float32Array;
      const B = inputs[1].data as Float32Array;
      const C = outputs[0].data as Float32Array;
      for (let t = 0; t < batches; t++) {
        gemmTS(m, n, k, A, aOff[t], k, B, bOff[t], n, C, t * m * n, n, false);
      }
      if (bias) addBias(C);
    },
  };
}
