// ONNX ConvInteger (opset 10): int32 convolution of (x − x_zero_point) with (w − w_zero_point).
// The input zero point may be a run-time value (DynamicQuantizeLinear's output).

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../../op-registry.js';
import { prepareIntegerConv } from './integer-conv.js';
import { numbersOf, paramOf, perChannel } from './quant-params.js';
import { wasmKernels } from './wasm-bridge.js';

export const convIntegerConfig: OpConfig = {
  opType: 'ConvInteger',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareConvInteger(ctx, 'i32'),
};

/**
 * ai.octet ConvIntegerToFloat: ConvInteger followed by Cast(to float), what the
 * fuse-conv-integer-cast pattern makes of ONNX Runtime's dynamic convolutions — the kernels write
 * the accumulators as floats directly (float(acc)·1, the exact rounding Cast does). Optional
 * input 4: a scalar scale the epilogue multiplies by (the Mul after the Cast), input 5: a constant
 * [M] float bias it adds (the Add after that) — f32(f32(f32(acc)·s) + b), as the unfused ops round.
 */
export const convIntegerToFloatConfig: OpConfig = {
  opType: 'ConvIntegerToFloat',
  domain: 'ai.octet',
  minOpset: 1,
  maxOpset: 1,
  prepare: (ctx) => prepareConvInteger(ctx, 'f32'),
};

function prepareConvInteger(ctx: OpContext, output: 'i32' | 'f32'): PreparedOp {
  const x = ctx.input(0);
  const w = ctx.input(1);
  if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`x must be uint8 or int8, got ${x.dtype}`);
  if (w.dtype !== 'uint8' && w.dtype !== 'int8') ctx.fail(`w must be uint8 or int8, got ${w.dtype}`);
  if (ctx.hasInput(2) && ctx.input(2).dims.reduce((p, d) => p * d, 1) !== 1) ctx.fail('x_zero_point must be a scalar');
  const M = w.dims[0];
  const wConst = ctx.constant(1);
  const zw = paramOf(ctx, 3);
  // ConvIntegerToFloat's fused epilogue: input 4 a run-time scalar scale, input 5 a constant [M] bias
  const hasScale = output === 'f32' && ctx.hasInput(4);
  if (hasScale && ctx.input(4).dims.reduce((p, d) => p * d, 1) !== 1) ctx.fail('the scale (input 4) must be a scalar');
  let biasF32: Float32Array | undefined;
  if (output === 'f32' && ctx.hasInput(5)) {
    const b = ctx.constant(5);
    if (!b || b.dtype !== 'float32' || b.data.length !== M) ctx.fail(`the bias (input 5) must be a constant float [${M}]`);
    biasF32 = Float32Array.from(b.data as Float32Array);
  }
  const conv = prepareIntegerConv(
    ctx,
    x.dims,
    {
      weights: (wConst ?? ctx.value(1)).data as Int8Array,
      weightDims: w.dims,
      weightZeroPoint: zw === undefined ? [0] : zw.data.length === 1 ? numbersOf(zw) : perChannel(ctx, zw, M, 'w_zero_point'),
      activationSigned: x.dtype === 'int8',
      activationZeroPoint: 0,
      output,
      scale: output === 'f32' ? Float32Array.of(1) : undefined,
      biasF32,
    },
    wConst ? wasmKernels(ctx) : undefined,
  );
  const hasZx = ctx.hasInput(2);
  return {
    outputs: [{ dtype: output === 'f32' ? 'float32' : 'int32', dims: conv.outDims }],
    run(inputs, outputs) {
      conv.run(inputs[0].data as Uint8Array, outputs[0].data, hasZx ? Number(inputs[2].data[0]) : 0, hasScale ? Number(inputs[4].data[0]) : undefined);
    },
  };
}
