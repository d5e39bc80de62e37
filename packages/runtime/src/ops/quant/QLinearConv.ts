// ONNX QLinearConv (opset 10+): integer convolution requantized to the output's type, per-tensor
// or per-output-channel weights, int32 bias. Also registered as ai.octet QLinearConv, the fused
// form of DQ → Conv (→ ReLU/Clip) → Q.

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig } from '../../op-registry.js';
import { fusedActivationRange } from './fused-activation.js';
import { prepareIntegerConv } from './integer-conv.js';
import { numbersOf, outputScales, paramOf, perChannel, scalarParam } from './quant-params.js';
import { wasmKernels } from './wasm-bridge.js';

export const qLinearConvConfig: OpConfig = {
  opType: 'QLinearConv',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const w = ctx.input(3);
    if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`x must be uint8 or int8, got ${x.dtype}`);
    if (w.dtype !== 'uint8' && w.dtype !== 'int8') ctx.fail(`w must be uint8 or int8, got ${w.dtype}`);
    const yType = ctx.input(7).dtype;
    if (yType !== 'uint8' && yType !== 'int8') ctx.fail(`y_zero_point must be uint8 or int8, got ${yType}`);
    const M = w.dims[0];
    const wConst = ctx.constant(3);
    const wT = wConst ?? ctx.value(3);
    const sw = paramOf(ctx, 4)!;
    const zw = paramOf(ctx, 5);
    const output = yType === 'int8' ? 's8' : 'u8';
    const [outputMin, outputMax] = fusedActivationRange(ctx, output);
    let bias: Int32Array | undefined;
    const bT = paramOf(ctx, 8);
    if (bT) {
      if (bT.dtype !== 'int32' || bT.data.length !== M) ctx.fail(`B must be int32 [${M}], got ${bT.dtype} with ${bT.data.length} values`);
      bias = Int32Array.from(bT.data as Int32Array);
    }
    const scale = outputScales(scalarParam(ctx, 1, 'x_scale'), perChannel(ctx, sw, sw.data.length === 1 ? 1 : M, 'w_scale'), scalarParam(ctx, 6, 'y_scale'));
    const conv = prepareIntegerConv(
      ctx,
      x.dims,
      {
        weights: wT.data as Int8Array,
        weightDims: w.dims,
        weightZeroPoint: zw === undefined ? [0] : zw.data.length === 1 ? numbersOf(zw) : perChannel(ctx, zw, M, 'w_zero_point'),
        activationSigned: x.dtype === 'int8',
        activationZeroPoint: scalarParam(ctx, 2, 'x_zero_point'),
        output,
        scale,
        outputZeroPoint: scalarParam(ctx, 7, 'y_zero_point'),
        outputMin,
        outputMax,
        bias,
      },
      wConst ? wasmKernels(ctx) : undefined,
    );
    return {
      outputs: [{ dtype: yType, dims: conv.outDims }],
      run(inputs, outputs) {
        conv.run(inputs[0].data as Uint8Array, outputs[0].data);
      },
    };
  },
};
