// com.microsoft DynamicQuantizeMatMul: A (float) quantized to uint8 per run with
// DynamicQuantizeLinear's numerics, then (A_q − za)(B − zb)·(a_scale·b_scale) + bias.
// Also the target of the dynamic-quantization pattern (DynamicQuantizeLinear → MatMulInteger →
// Cast → Mul chains), registered as ai.octet DynamicQuantizeMatMul.

import type { OpConfig } from '../../op-registry.js';
import { sizeOf } from '../../tensor.js';
import { dynamicQuantParams, quantizeU8, type DynamicParams } from './DynamicQuantizeLinear.js';
import type { DynamicActivation } from './integer-matmul.js';
import { combineScales, floatBias } from './MatMulIntegerToFloat.js';
import { numbersOf, perChannel } from './quant-params.js';
import { prepareQuantMatMul } from './quant-matmul.js';
import { dynamicQuantizeLinearInto, dynamicQuantizeParamsBytes } from '@octet/kernels';
import { inWasm, scratchOf, wasmKernels } from './wasm-bridge.js';

export const dynamicQuantizeMatMulConfig: OpConfig = {
  opType: 'DynamicQuantizeMatMul',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    if (a.dtype !== 'float32') ctx.fail(`A must be float32, got ${a.dtype}`);
    if (b.dtype !== 'uint8' && b.dtype !== 'int8') ctx.fail(`B must be uint8 or int8, got ${b.dtype}`);
    const N = b.dims.length === 1 ? 1 : b.dims[b.dims.length - 1];
    const sbT = ctx.constant(2) ?? ctx.value(2);
    const sb = Float32Array.from(sbT.data as Float32Array);
    if (sb.length !== 1 && sb.length !== N) ctx.fail(`b_scale has ${sb.length} values, expected 1 or ${N}`);
    const zbT = ctx.hasInput(3) ? ctx.constant(3) ?? ctx.value(3) : undefined;
    // Placeholder 1s until the first run sets a·b scales (the kernels reject 0 at creation).
    const scale = new Float32Array(sb.length).fill(1);
    const mm = prepareQuantMatMul(ctx, {
      a: { dtype: 'uint8', dims: a.dims },
      b,
      bConst: ctx.constant(1),
      activationZeroPoint: 0,
      weightZeroPoint: zbT === undefined ? [0] : zbT.data.length === 1 ? numbersOf(zbT) : perChannel(ctx, zbT, N, 'b_zero_point'),
      epilogue: { output: 'f32', scale, biasF32: floatBias(ctx, 4, N) },
    });
    const n = sizeOf(a.dims);
    const k = wasmKernels(ctx);
    // On the kernels, A is quantized into WASM memory (after it: scale, zero point, per-thread ranges).
    const paramsBytes = dynamicQuantizeParamsBytes(k?.pool?.size ?? 1);
    const aS = k ? scratchOf(ctx, k, 'a-u8') : undefined;
    aS?.ensure(n + 16 + paramsBytes);
    const aq = ctx.workspace('a-u8', 'uint8', n) as Uint8Array;
    const p: DynamicParams = { scale: 1, zeroPoint: 0 };
    const dyn: DynamicActivation = { activationZeroPoint: 0, scale };
    return {
      outputs: [{ dtype: 'float32', dims: mm.outDims }],
      run(inputs, outputs) {
        const x = inputs[0].data as Float32Array;
        if (k && aS && inWasm(k, x)) {
          const paramsAt = (aS.ptr + n + 15) & ~15;
          const r = dynamicQuantizeLinearInto(k, x.byteOffset, aS.ptr, n, paramsAt, paramsBytes);
          p.scale = r.scale;
          p.zeroPoint = r.zeroPoint;
          combineScales(p.scale, sb, scale);
          dyn.activationZeroPoint = p.zeroPoint;
          mm.run(k.heap.u8.subarray(aS.ptr, aS.ptr + n), inputs[1].data, outputs[0].data, dyn);
          return;
        }
        dynamicQuantParams(x, n, p);
        quantizeU8(x, n, p, aq);
        combineScales(p.scale, sb, scale);
        dyn.activationZeroPoint = p.zeroPoint;
        mm.run(aq, inputs[1].data, outputs[0].data, dyn);
      },
    };
  },
};
