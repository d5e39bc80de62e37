// ONNX QLinearMatMul (opsets 10–21): integer matmul requantized to the output's type. Also
// registered as ai.octet QLinearMatMul, the fused form of DQ → MatMul → Q.

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig } from '../../op-registry.js';
import { foldedPerms, numbersOf, outputScales, perChannel, scalarParam } from './quant-params.js';
import { prepareQuantMatMul } from './quant-matmul.js';
import { fusedActivationRange } from './fused-activation.js';

export const qLinearMatMulConfig: OpConfig = {
  opType: 'QLinearMatMul',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(3);
    for (const [t, w] of [[a, 'a'], [b, 'b']] as const) {
      if (t.dtype !== 'uint8' && t.dtype !== 'int8') ctx.fail(`${w} must be uint8 or int8, got ${t.dtype}`);
    }
    const yType = ctx.input(7).dtype;
    if (yType !== 'uint8' && yType !== 'int8') ctx.fail(`y_zero_point must be uint8 or int8, got ${yType}`);
    const bConst = ctx.constant(3);
    const bDims = b.dims;
    const N = bDims.length === 1 ? 1 : bDims[bDims.length - 1];
    const sb = ctx.constant(4) ?? ctx.value(4);
    const zb = ctx.constant(5) ?? ctx.value(5);
    const sy = scalarParam(ctx, 6, 'y_scale');
    const zy = scalarParam(ctx, 7, 'y_zero_point');
    const output = yType === 'int8' ? 's8' : 'u8';
    const [outputMin, outputMax] = fusedActivationRange(ctx, output);
    const mm = prepareQuantMatMul(ctx, {
      a,
      b,
      bConst,
      ...foldedPerms(ctx),
      activationZeroPoint: scalarParam(ctx, 2, 'a_zero_point'),
      weightZeroPoint: zb.data.length === 1 ? numbersOf(zb) : perChannel(ctx, zb, N, 'b_zero_point'),
      epilogue: {
        output,
        scale: outputScales(scalarParam(ctx, 1, 'a_scale'), numbersOf(sb), sy),
        outputZeroPoint: zy,
        outputMin,
        outputMax,
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
