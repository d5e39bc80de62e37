import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { broadcastDims, stridesOf } from '../shape-utils.js';
import { sizeOf } from '../tensor.js';
import { gemmTS } from './gemm-ts.js';
import { selectSgemm } from './sgemm.js';

// numpy.matmul semantics: 1-D operands are promoted and the added axis removed; batch axes
// broadcast.
export const matMulConfig: OpConfig = {
  opType: 'MatMul',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
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
    const sgemm = a.dtype === 'float32' ? selectSgemm(ctx, m, n, k, batches === 1 ? ctx.constant(1) : undefined) : undefined;
    return {
      outputs: [{ dtype: a.dtype, dims }],
      run(inputs, outputs) {
        const A = inputs[0].data as Float32Array;
        const B = inputs[1].data as Float32Array;
        const C = outputs[0].data as Float32Array;
        for (let t = 0; t < batches; t++) {
          if (sgemm) sgemm(A, aOff[t], B, bOff[t], C, t * m * n);
          else gemmTS(m, n, k, A, aOff[t], k, B, bOff[t], n, C, t * m * n, n, false);
        }
      },
    };
  },
};
