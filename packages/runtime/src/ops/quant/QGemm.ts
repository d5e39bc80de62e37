// com.microsoft QGemm: Y = alpha·A·B (+ int32 C), requantized when y_scale is given, else float.
// Also registered as ai.octet QGemm, the fused form of DQ → Gemm (→ Q).

import type { OpConfig } from '../../op-registry.js';
import type { DType } from '../../tensor.js';
import { fusedActivationRange } from './fused-activation.js';
import { numbersOf, outputScales, paramOf, perChannel, scalarParam } from './quant-params.js';
import { prepareQuantMatMul } from './quant-matmul.js';

export const qGemmConfig: OpConfig = {
  opType: 'QGemm',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(3);
    if (a.dtype !== 'uint8' && a.dtype !== 'int8') ctx.fail(`A must be uint8 or int8, got ${a.dtype}`);
    if (b.dtype !== 'uint8' && b.dtype !== 'int8') ctx.fail(`B must be uint8 or int8, got ${b.dtype}`);
    if (a.dims.length !== 2 || b.dims.length !== 2) ctx.fail('A and B must be 2-D');
    if (ctx.attrs.int('transA', 0) !== 0) ctx.fail('transA = 1 is not supported');
    const transB = ctx.attrs.int('transB', 0) !== 0;
    const alpha = ctx.attrs.float('alpha', 1);
    const N = transB ? b.dims[0] : b.dims[1];
    const M = a.dims[0];
    let bias: Int32Array | undefined;
    const c = paramOf(ctx, 6);
    if (c) {
      if (c.dtype !== 'int32') ctx.fail(`C must be int32, got ${c.dtype}`);
      const cd = c.dims;
      if (c.data.length === N && (cd.length === 1 || (cd.length === 2 && cd[0] === 1))) bias = Int32Array.from(c.data as Int32Array);
      else if (c.data.length === 1) bias = new Int32Array(N).fill(Number(c.data[0]));
      else ctx.fail(`C of shape [${cd.join(', ')}] is not supported (expected [N] or a scalar; M = ${M})`);
    }
    const quantOut = ctx.hasInput(7);
    const sb = paramOf(ctx, 4) ?? ctx.fail('b_scale (input 4) is required');
    const zb = paramOf(ctx, 5);
    const sa = scalarParam(ctx, 1, 'a_scale');
    let yType: DType = 'float32';
    let output: 'u8' | 's8' | 'f32' = 'f32';
    let outputMin: number | undefined;
    let outputMax: number | undefined;
    if (quantOut) {
      yType = ctx.hasInput(8) ? ctx.input(8).dtype : 'uint8';
      if (yType !== 'uint8' && yType !== 'int8') ctx.fail(`y_zero_point must be uint8 or int8, got ${yType}`);
      output = yType === 'int8' ? 's8' : 'u8';
      [outputMin, outputMax] = fusedActivationRange(ctx, output);
    }
    const mm = prepareQuantMatMul(ctx, {
      a,
      b,
      bConst: ctx.constant(3),
      transposeB: transB,
      activationZeroPoint: scalarParam(ctx, 2, 'a_zero_point'),
      weightZeroPoint: zb === undefined ? [0] : zb.data.length === 1 ? numbersOf(zb) : perChannel(ctx, zb, N, 'b_zero_point'),
      epilogue: {
        output,
        scale: outputScales(sa, numbersOf(sb), quantOut ? scalarParam(ctx, 7, 'y_scale') : undefined, alpha),
        outputZeroPoint: quantOut ? scalarParam(ctx, 8, 'y_zero_point') : undefined,
        outputMin,
        outputMax,
        bias,
      },
    });
    return {
      outputs: [{ dtype: yType, dims: mm.outDims }],
      run(inputs, outputs) {
        mm.run(inputs[0].data as Uint8Array, inputs[3].data, outputs[0].data);
      },
    };
  },
};
