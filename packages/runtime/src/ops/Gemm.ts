import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { broadcastStrides } from '../shape-utils.js';
import { gemmTS, transpose2d } from './gemm-ts.js';
import { selectSgemm } from './sgemm.js';

// Y = alpha · A' · B' + beta · C. A constant transposed B is re-laid out once, at session
// creation, into K×N rows (the layout the matrix kernels read).
export const gemmConfig: OpConfig = {
  opType: 'Gemm',
  domain: '',
  minOpset: 7,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
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
    let packedB: Float32Array | undefined;
    if (transB && constB && a.dtype === 'float32') {
      packedB = ctx.cache.get('packedB') as Float32Array | undefined;
      if (!packedB) {
        packedB = new Float32Array(k * n);
        transpose2d(constB.data as Float32Array, 0, n, k, packedB, 0);
        ctx.cache.set('packedB', packedB);
      }
    }
    const bScratch = transB && !packedB ? (ctx.workspace('bT', a.dtype, k * n) as Float32Array) : undefined;
    const aScratch = transA ? (ctx.workspace('aT', a.dtype, m * k) as Float32Array) : undefined;
    const bForKernel = packedB ? ({ dtype: 'float32', dims: [k, n], data: packedB } as const) : undefined;
    const sgemm = a.dtype === 'float32' ? selectSgemm(ctx, m, n, k, bForKernel) : undefined;
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
        if (sgemm) sgemm(A, 0, B, 0, Y, 0);
        else gemmTS(m, n, k, A, 0, k, B, 0, n, Y, 0, n, false);
        if (alpha !== 1) for (let i = 0; i < m * n; i++) Y[i] *= alpha;
        if (hasC) {
          const C = inputs[2].data as Float32Array;
          const [s0, s1] = cStrides;
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Y[i * n + j] += beta * C[i * s0 + j * s1];
        }
      },
    };
  },
};
