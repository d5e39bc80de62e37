import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { broadcastStrides } from '../shape-utils.js';
import { gemmTS, transpose2d } from './gemm-ts.js';
import { createSgemm, type Sgemm } from '@octet/kernels';
import { inputPtr, outputPtr } from './wasm-ptr.js';

// Y = alpha · A' · B' + beta · C. A constant transposed B is re-laid out once, at session
// creation, into K×N rows (the layout the matrix kernels read).
export const gemmConfig: OpConfig = {
  opType: 'Gemm',
  domain: '',
  minOpset: 7,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareGemm(ctx),
};

/**
 * com.microsoft FusedGemm (ONNX Runtime's contrib op; emitted by fuse-gemm-relu): Gemm followed
 * by Relu, applied in the GEMM's store when the bias is fused too.
 */
export const fusedGemmConfig: OpConfig = {
  opType: 'FusedGemm',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const activation = ctx.attrs.string('activation', '');
    if (activation !== 'Relu') return ctx.fail(`activation '${activation}' is not supported (Relu)`);
    return prepareGemm(ctx, true);
  },
};

function prepareGemm(ctx: OpContext, relu = false): PreparedOp {
  const a = ctx.input(0);
  const b = ctx.input(1);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') ctx.fail(`${a.dtype} Gemm is not supported`);
  if (a.dims.length !== 2 || b.dims.length !== 2) ctx.fail(`A and B must be 2-D, got [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  const transA = ctx.attrs.int('transA', 0) !== 0;
  const transB = ctx.attrs.int('transB', 0) !== 0;
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 1);
  const [m, k] = transA ? [a.dims[1], a.dims[0]] : [a.dims[0], a.dims[1]];
  const [kb, n] = transB ? [b.dims[1], b.dims[0]] : [b.dims[0], b.dims[1]];
  if (k !== kb) ctx.fail(`K mismatch: A gives ${k}, B gives ${kb}`);
  const hasC = ctx.hasInput(2) && beta !== 0;
  const cStrides = hasC ? broadcastStrides(ctx.input(2).dims, [m, n]) : [0, 0];
  if (hasC) {
    const cd = ctx.input(2).dims;
    const ok = cd.length <= 2 && cd.every((d, i) => d === 1 || d === [m, n][2 - cd.length + i]);
    if (!ok) ctx.fail(`C [${cd.join(', ')}] does not broadcast to [${m}, ${n}]`);
  }
  const constB = ctx.constant(1);
  const kern = ctx.kernels;
  const onKernels = !!kern && a.dtype === 'float32' && !transA && !!constB && alpha === 1 && m * n * k > 0;
  let packedB: Float32Array | undefined;
  if (transB && constB && a.dtype === 'float32' && !onKernels) {
    packedB = ctx.cache.get('packedB') as Float32Array | undefined;
    if (!packedB) {
      packedB = new Float32Array(k * n);
      transpose2d(constB.data as Float32Array, 0, n, k, packedB, 0);
      ctx.cache.set('packedB', packedB);
    }
  }
  const bScratch = transB && !packedB && !onKernels ? (ctx.workspace('bT', a.dtype, k * n) as Float32Array) : undefined;
  const aScratch = transA && !onKernels ? (ctx.workspace('aT', a.dtype, m * k) as Float32Array) : undefined;
  if (kern && constB && onKernels) {
    // Constant B packed once with C fused as the bias (constant C only; otherwise added after).
    const constC = hasC ? ctx.constant(2) : undefined;
    const cd = hasC ? ctx.input(2).dims : [];
    const cSize = cd.reduce((x, y) => x * y, 1);
    const fuse = constC && beta === 1 && (cSize === n && (cd.length < 2 || cd[0] === 1));
    const key = `sgemm:${fuse ? 'bias' : 'plain'}:${relu ? 'relu' : ''}`;
    let sg = ctx.cache.get(key) as Sgemm | undefined;
    if (!sg) {
      sg = createSgemm(kern, {
        K: k,
        N: n,
        b: constB.data as Float32Array,
        transB,
        bias: fuse ? { kind: 'col', data: constC!.data as Float32Array } : null,
        clamp: relu && !(hasC && !fuse) ? [0, Infinity] : undefined,
      });
      ctx.cache.set(key, sg);
      const g = sg;
      ctx.onDispose(() => g.dispose());
    }
    const g = sg;
    const ap = inputPtr(ctx, 0);
    const addC = hasC && !fuse;
    return {
      outputs: [{ dtype: a.dtype, dims: [m, n] }],
      run(inputs, outputs) {
        g.runInto(ap(inputs[0]), outputPtr(outputs[0]), m);
        if (addC) {
          const Y = outputs[0].data as Float32Array;
          const C = inputs[2].data as Float32Array;
          const [s0, s1] = cStrides;
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Y[i * n + j] += beta * C[i * s0 + j * s1];
          if (relu) for (let i = 0; i < m * n; i++) if (Y[i] < 0) Y[i] = 0;
        }
      },
    };
  }
  return {
    outputs: [{ dtype: a.dtype, dims: [m, n] }],
    run(inputs, outputs) {
      let A = inputs[0].data as Float32Array;
      let B = inputs[1].data as Float32Array;
      const Y = outputs[0].data as Float32Array;
      if (aScratch) {
        transpose2d(A, 0, k, m, aScratch, 0);
        A = aScratch;
      }
      if (packedB) B = packedB;
      else if (bScratch) {
        transpose2d(B, 0, n, k, bScratch, 0);
        B = bScratch;
      }
      gemmTS(m, n, k, A, 0, k, B, 0, n, Y, 0, n, false);
      if (alpha !== 1) for (let i = 0; i < m * n; i++) Y[i] *= alpha;
      if (hasC) {
        const C = inputs[2].data as Float32Array;
        const [s0, s1] = cStrides;
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Y[i * n + j] += beta * C[i * s0 + j * s1];
      }
      if (relu) for (let i = 0; i < m * n; i++) if (Y[i] < 0) Y[i] = 0;
    },
  };
}
