// ONNX MatMulInteger (opset 10): int32 (A − a_zero_point)·(B − b_zero_point). The activation zero
// point may be a run-time value (DynamicQuantizeLinear's output): it is read on every run.

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig } from '../../op-registry.js';
import type { DynamicActivation } from './integer-matmul.js';
import { numbersOf, perChannel } from './quant-params.js';
import { prepareQuantMatMul } from './quant-matmul.js';

export const matMulIntegerConfig: OpConfig = {
  opType: 'MatMulInteger',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    if (a.dtype !== 'uint8' && a.dtype !== 'int8') ctx.fail(`A must be uint8 or int8, got ${a.dtype}`);
    if (b.dtype !== 'uint8' && b.dtype !== 'int8') ctx.fail(`B must be uint8 or int8, got ${b.dtype}`);
    if (ctx.hasInput(2) && ctx.input(2).dims.reduce((p, d) => p * d, 1) !== 1) ctx.fail('a_zero_point must be a scalar (per-row zero points are not supported)');
    const N = b.dims.length === 1 ? 1 : b.dims[b.dims.length - 1];
    const zbT = ctx.hasInput(3) ? ctx.constant(3) ?? ctx.value(3) : undefined;
    const mm = prepareQuantMatMul(ctx, {
      a,
      b,
      bConst: ctx.constant(1),
      activationZeroPoint: 0,
      weightZeroPoint: zbT === undefined ? [0] : zbT.data.length === 1 ? numbersOf(zbT) : perChannel(ctx, zbT, N, 'b_zero_point'),
      epilogue: { output: 'i32' },
    });
    const dyn: DynamicActivation = { activationZeroPoint: 0 };
    const hasZa = ctx.hasInput(2);
    return {
      outputs: [{ dtype: 'int32', dims: mm.outDims }],
      run(inputs, outputs) {
        dyn.activationZeroPoint = hasZa ? Number(inputs[2].data[0]) : 0;
        mm.run(inputs[0].data as Uint8Array, inputs[1].data, outputs[0].data, dyn);
      },
    };
  },
};
