// com.microsoft MatMulIntegerToFloat: (A − za)(B − zb)·(a_scale·b_scale) + bias in float. Also
// registered as ai.octet MatMulIntegerToFloat, the fused form of DQ → MatMul without a Q after.
// A's scale and zero point may be run-time values (dynamic quantization). Transposes of the
// operands or the output may be folded in (octet_perm_a/b/y, fold-transpose-matmul pattern).

import type { OpConfig, OpContext } from '../../op-registry.js';
import type { Tensor } from '../../tensor.js';
import type { DynamicActivation } from './integer-matmul.js';
import { foldedPerms, numbersOf, perChannel } from './quant-params.js';
import { prepareQuantMatMul } from './quant-matmul.js';

/** f32(sa·sb[n]) into out. */
export function combineScales(sa: number, sb: ArrayLike<number>, out: Float32Array): void {
  for (let i = 0; i < sb.length; i++) out[i] = Math.fround(sa) * sb[i];
}

export function floatBias(ctx: OpContext, i: number, N: number): Float32Array | undefined {
  if (!ctx.hasInput(i)) return undefined;
  const t = ctx.constant(i) ?? ctx.value(i);
  if (t.dtype !== 'float32' || t.data.length !== N) ctx.fail(`bias must be float32 [${N}], got ${t.dtype} with ${t.data.length} values`);
  return Float32Array.from(t.data as Float32Array);
}

export const matMulIntegerToFloatConfig: OpConfig = {
  opType: 'MatMulIntegerToFloat',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    if (a.dtype !== 'uint8' && a.dtype !== 'int8') ctx.fail(`A must be uint8 or int8, got ${a.dtype}`);
    if (b.dtype !== 'uint8' && b.dtype !== 'int8') ctx.fail(`B must be uint8 or int8, got ${b.dtype}`);
    const N = b.dims.length === 1 ? 1 : b.dims[b.dims.length - 1];
    const sbT = ctx.constant(3) ?? ctx.value(3);
    const sb = Float32Array.from(sbT.data as Float32Array);
    if (sb.length !== 1 && sb.length !== N) ctx.fail(`b_scale has ${sb.length} values, expected 1 or ${N}`);
    const zbT = ctx.hasInput(5) ? ctx.constant(5) ?? ctx.value(5) : undefined;
    const saConst = ctx.constant(2);
    const zaConst = ctx.hasInput(4) ? ctx.constant(4) : undefined;
    // Placeholder 1s until the first run sets a·b scales (the kernels reject 0 at creation).
    const scale = new Float32Array(sb.length).fill(1);
    if (saConst) combineScales(Number(saConst.data[0]), sb, scale);
    const mm = prepareQuantMatMul(ctx, {
      a,
      b,
      bConst: ctx.constant(1),
      ...foldedPerms(ctx),
      activationZeroPoint: zaConst ? Number(zaConst.data[0]) : 0,
      weightZeroPoint: zbT === undefined ? [0] : zbT.data.length === 1 ? numbersOf(zbT) : perChannel(ctx, zbT, N, 'b_zero_point'),
      epilogue: { output: 'f32', scale, biasF32: floatBias(ctx, 6, N) },
    });
    const dyn: DynamicActivation = { activationZeroPoint: 0, scale };
    const hasZa = ctx.hasInput(4);
    return {
      outputs: [{ dtype: 'float32', dims: mm.outDims }],
      run(inputs, outputs) {
        combineScales((inputs[2] as Tensor).data[0] as number, sb, scale);
        dyn.activationZeroPoint = hasZa ? Number(inputs[4].data[0]) : 0;
        mm.run(inputs[0].data as Uint8Array, inputs[1].data, outputs[0].data, dyn);
      },
    };
  },
};
