import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { gemmTS } from './gemm-ts.js';
import { createMatMulBatch, createSgemm, matMulBatchTableBytes, packedBFloats, type Sgemm } from '@octet/kernels';
import { inputPtr, outputPtr } from './wasm-ptr.js';
import { matMulLayout, matMulPerms } from './matmul-layout.js';

// numpy.matmul semantics: 1-D operands are promoted and the added axis removed; batch axes
// broadcast.
export const matMulConfig: OpConfig = {
  opType: 'MatMul',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareMatMul(ctx),
};

/** ai.octet MatMul: a MatMul whose operand or output Transposes were folded in (octet_perm_a/b/y). */
export const matMulFoldedConfig: OpConfig = { ...matMulConfig, domain: 'ai.octet', minOpset: 1, maxOpset: 1 };

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
  const L = matMulLayout(ctx, a.dims, b.dims, matMulPerms(ctx));
  const { M: m, K: k, N: n, outDims: dims, batches, aOff, bOff, yOff } = L;
  if (bias && bias.length !== n) ctx.fail(`bias has ${bias.length} values, N is ${n}`);
  const rows = sizeOf(dims) / Math.max(n, 1);
  const addBias = (C: Float32Array) => {
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) C[r * n + j] += bias![j];
  };
  // The kernels read A by rows (lda) and B by rows or, transposed, by columns; Y rows by ldc.
  const bTrans = L.bcs !== 1;
  const strided = L.acs === 1 && L.cso === 1 && (L.bcs === 1 || L.brs === 1);
  const kern = ctx.kernels;
  if (kern && a.dtype === 'float32' && m * n * k > 0 && strided) {
    const ap = inputPtr(ctx, 0);
    const cp = outputPtr;
    const constB = ctx.constant(1);
    if (constB && L.bBatch.length === 0 && L.plain && b.dims.length === 2) {
      // Constant weights: packed once; A's batches are one tall matrix when B is shared.
      let sg = ctx.cache.get('sgemm') as Sgemm | undefined;
      if (!sg) {
        sg = createSgemm(kern, { K: k, N: n, b: constB.data as Float32Array, bias: bias ? { kind: 'col', data: bias } : null });
        ctx.cache.set('sgemm', sg);
        const g = sg;
        ctx.onDispose(() => g.dispose());
      }
      const g = sg;
      return {
        outputs: [{ dtype: a.dtype, dims }],
        run(inputs, outputs) {
          g.runInto(ap(inputs[0]), cp(outputs[0]), batches * m);
        },
      };
    }
    const bp = inputPtr(ctx, 1);
    // Both operands are activations (attention scores): one kernel call runs every product (each
    // packs its B, then the 4×8 kernel); with a pool, the threads share the products (each with its
    // own packing scratch). The offset table and scratch are this node's, so runs allocate nothing.
    const packBytes = packedBFloats(k, n) * 4;
    const scratch = Array.from({ length: Math.max(1, Math.min(kern.pool?.size ?? 1, batches)) }, (_, t) =>
      ctx.scratchPtr(t === 0 ? 'packB' : `packB-t${t}`, packBytes));
    const batch = createMatMulBatch(kern, {
      M: m, N: n, K: k, lda: L.ars, ldb: bTrans ? L.bcs : L.brs, transB: bTrans, ldc: L.ldo, aOff, bOff, cOff: yOff, scratch,
      table: ctx.scratchPtr('batch-offsets', matMulBatchTableBytes(batches)),
    });
    return {
      outputs: [{ dtype: a.dtype, dims }],
      run(inputs, outputs) {
        batch.run(ap(inputs[0]), bp(inputs[1]), cp(outputs[0]));
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
        if (L.acs === 1 && L.bcs === 1 && L.cso === 1) {
          gemmTS(m, n, k, A, aOff[t], L.ars, B, bOff[t], L.brs, C, yOff[t], L.ldo, false);
          continue;
        }
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let acc = 0;
            for (let p = 0; p < k; p++) acc += A[aOff[t] + i * L.ars + p * L.acs] * B[bOff[t] + p * L.brs + j * L.bcs];
            C[yOff[t] + i * L.ldo + j * L.cso] = acc;
          }
        }
      }
      if (bias) addBias(C);
    },
  };
}
