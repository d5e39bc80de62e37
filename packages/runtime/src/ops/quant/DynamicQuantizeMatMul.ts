// com.microsoft DynamicQuantizeMatMul: A (float) quantized to uint8 per run with
// DynamicQuantizeLinear's numerics, then (A_q − za)(B − zb)·(a_scale·b_scale) + bias.
// Also registered as ai.octet DynamicQuantizeMatMul, the target of the fuse-dynamic-quantize-matmul
// pattern, which may give it several matmuls of the same A: inputs A, then (B, b_scale,
// b_zero_point, bias) per output — one range scan and, on the kernels, one quantized packing of A
// shared by all of them (Q, K and V projections).
// On the kernels A is quantized inside the GEMM's packing (QGemm aQuantize): the uint8 tensor never
// exists. Elsewhere (TypeScript path, B not constant) it is quantized into a workspace first.

import type { OpConfig, OpContext } from '../../op-registry.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { dynamicQuantParams, quantizeU8, type DynamicParams } from './DynamicQuantizeLinear.js';
import type { DynamicActivation, IntegerMatMul } from './integer-matmul.js';
import { combineScales, floatBias } from './MatMulIntegerToFloat.js';
import { numbersOf, perChannel } from './quant-params.js';
import { prepareQuantMatMul, type PreparedQuantMatMul } from './quant-matmul.js';
import { dynamicQuantizeLinearInto, dynamicQuantizeParamsBytes, dynamicQuantizeParamsInto, QuantizeState, type Kernels } from '@octet/kernels';
import { inWasm, scratchOf, wasmKernels } from './wasm-bridge.js';

/** Inputs per matmul after A: B, b_scale, b_zero_point, bias. */
const GROUP_INPUTS = 4;

interface Group {
  readonly mm: PreparedQuantMatMul;
  readonly sb: Float32Array;
  /** a_scale·b_scale of the current run. */
  readonly scale: Float32Array;
  readonly dyn: DynamicActivation;
  readonly fused: IntegerMatMul | undefined;
}

function prepareGroup(ctx: OpContext, g: number, aDims: readonly number[]): Group {
  const i0 = 1 + g * GROUP_INPUTS;
  const b = ctx.input(i0);
  if (b.dtype !== 'uint8' && b.dtype !== 'int8') ctx.fail(`B must be uint8 or int8, got ${b.dtype}`);
  const N = b.dims.length === 1 ? 1 : b.dims[b.dims.length - 1];
  const sbT = ctx.constant(i0 + 1) ?? ctx.value(i0 + 1);
  const sb = Float32Array.from(sbT.data as Float32Array);
  if (sb.length !== 1 && sb.length !== N) ctx.fail(`b_scale has ${sb.length} values, expected 1 or ${N}`);
  const zbT = ctx.hasInput(i0 + 2) ? ctx.constant(i0 + 2) ?? ctx.value(i0 + 2) : undefined;
  // Placeholder 1s until the first run sets a·b scales (the kernels reject 0 at creation).
  const scale = new Float32Array(sb.length).fill(1);
  const mm = prepareQuantMatMul(ctx, {
    a: { dtype: 'uint8', dims: aDims },
    b,
    bConst: ctx.constant(i0),
    activationZeroPoint: 0,
    weightZeroPoint: zbT === undefined ? [0] : zbT.data.length === 1 ? numbersOf(zbT) : perChannel(ctx, zbT, N, 'b_zero_point'),
    epilogue: { output: 'f32', scale, biasF32: floatBias(ctx, i0 + 3, N) },
    cacheKey: g === 0 ? undefined : `qmatmul:${g}`,
  });
  const fused = mm.integer?.runQuantized ? mm.integer : undefined;
  return { mm, sb, scale, dyn: { activationZeroPoint: 0, scale }, fused };
}

function outputsInWasm(k: Kernels, outputs: readonly Tensor[]): boolean {
  for (let i = 0; i < outputs.length; i++) if (!inWasm(k, outputs[i].data)) return false;
  return true;
}

export const dynamicQuantizeMatMulConfig: OpConfig = {
  opType: 'DynamicQuantizeMatMul',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const a = ctx.input(0);
    if (a.dtype !== 'float32') ctx.fail(`A must be float32, got ${a.dtype}`);
    const count = ctx.node.outputs.length;
    if (count < 1 || ctx.inputCount > 1 + count * GROUP_INPUTS) ctx.fail(`expected A and at most ${GROUP_INPUTS} inputs per output, got ${ctx.inputCount} inputs for ${count} outputs`);
    const groups = Array.from({ length: count }, (_, g) => prepareGroup(ctx, g, a.dims));
    const n = sizeOf(a.dims);
    const M = groups[0].mm.M;
    const k = wasmKernels(ctx);
    const paramsBytes = dynamicQuantizeParamsBytes(k?.pool?.size ?? 1);
    const allFused = groups.every((g) => g.fused);
    // On the kernels: scale and zero point (and per-thread ranges) in WASM memory; A itself is
    // quantized by each GEMM's packing (allFused), or into WASM memory before them.
    const aS = k ? scratchOf(ctx, k, 'a-u8') : undefined;
    aS?.ensure((allFused ? 0 : n + 16) + paramsBytes);
    const aq = ctx.workspace('a-u8', 'uint8', n) as Uint8Array;
    const p: DynamicParams = { scale: 1, zeroPoint: 0 };
    const state = new QuantizeState();
    // this run's A parameters, then every matmul's a·b scales and activation zero point
    const setParams = (r: DynamicParams) => {
      p.scale = r.scale;
      p.zeroPoint = r.zeroPoint;
      for (const g of groups) {
        combineScales(p.scale, g.sb, g.scale);
        g.dyn.activationZeroPoint = p.zeroPoint;
      }
    };
    return {
      outputs: groups.map((g) => ({ dtype: 'float32' as const, dims: g.mm.outDims })),
      run(inputs, outputs) {
        const x = inputs[0].data as Float32Array;
        if (k && aS && inWasm(k, x) && allFused && outputsInWasm(k, outputs)) {
          setParams(dynamicQuantizeParamsInto(k, x.byteOffset, n, aS.ptr, paramsBytes, state));
          let prev: IntegerMatMul | undefined;
          for (let i = 0; i < groups.length; i++) {
            const g = groups[i];
            g.fused!.runQuantized!(M, x.byteOffset, outputs[i].data, p, g.scale, prev);
            prev = g.fused;
          }
          return;
        }
        let q = aq;
        if (k && aS && inWasm(k, x)) {
          const paramsAt = allFused ? aS.ptr : (aS.ptr + n + 15) & ~15;
          const u8At = allFused ? 0 : aS.ptr;
          if (allFused) {
            // outputs outside WASM memory (not in a session's arena): quantize into the workspace
            setParams(dynamicQuantizeParamsInto(k, x.byteOffset, n, paramsAt, paramsBytes, state));
            quantizeU8(x, n, p, aq);
          } else {
            setParams(dynamicQuantizeLinearInto(k, x.byteOffset, u8At, n, paramsAt, paramsBytes, state));
            q = k.heap.u8.subarray(u8At, u8At + n);
          }
        } else {
          dynamicQuantParams(x, n, p);
          setParams(p);
          quantizeU8(x, n, p, aq);
        }
        for (let i = 0; i < groups.length; i++) groups[i].mm.run(q, inputs[1 + i * GROUP_INPUTS].data, outputs[i].data, groups[i].dyn);
      },
    };
  },
};
