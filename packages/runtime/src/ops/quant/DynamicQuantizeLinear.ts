// ONNX DynamicQuantizeLinear (opset 11): uint8 quantization with scale and zero point from the
// data's range (widened to include 0), computed in float as ONNX Runtime does.

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig } from '../../op-registry.js';
import { quantizeValue, roundHalfEven } from './quant-params.js';
import { dynamicQuantizeLinearInto, dynamicQuantizeParamsBytes, QuantizeState } from '@octet/kernels';
import { inWasm, scratchOf, wasmKernels } from './wasm-bridge.js';

export interface DynamicParams {
  scale: number;
  zeroPoint: number;
}

/** Scale and zero point of x's range [min(0, min x), max(0, max x)] over uint8. */
export function dynamicQuantParams(x: Float32Array, n: number, out: DynamicParams): DynamicParams {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi === lo ? 1 : Math.fround(Math.fround(hi - lo) / 255);
  const initial = Math.fround(0 - Math.fround(lo / scale));
  out.scale = scale;
  out.zeroPoint = roundHalfEven(Math.max(0, Math.min(255, initial)));
  return out;
}

export function quantizeU8(x: Float32Array, n: number, p: DynamicParams, y: Uint8Array): void {
  const s = p.scale;
  const z = p.zeroPoint;
  for (let i = 0; i < n; i++) y[i] = quantizeValue(x[i], s, z, 0, 255);
}

export const dynamicQuantizeLinearConfig: OpConfig = {
  opType: 'DynamicQuantizeLinear',
  domain: '',
  minOpset: 11,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'float32') ctx.fail(`input must be float32, got ${x.dtype}`);
    const p: DynamicParams = { scale: 1, zeroPoint: 0 };
    const k = wasmKernels(ctx);
    // The SIMD kernel (same ORT formulas) when x and y are in the kernels' memory; 12 bytes of
    // scratch receive the scale (f32) and zero point (i32).
    const paramsBytes = dynamicQuantizeParamsBytes(k?.pool?.size ?? 1);
    const params = k ? scratchOf(ctx, k, 'dql-params') : undefined;
    params?.ensure(paramsBytes);
    const state = new QuantizeState();
    return {
      outputs: [
        { dtype: 'uint8', dims: x.dims },
        { dtype: 'float32', dims: [] },
        { dtype: 'uint8', dims: [] },
      ],
      run(inputs, outputs) {
        const xd = inputs[0].data as Float32Array;
        const yd = outputs[0].data as Uint8Array;
        if (k && params && inWasm(k, xd, yd)) {
          const r = dynamicQuantizeLinearInto(k, xd.byteOffset, yd.byteOffset, xd.length, params.ptr, paramsBytes, state);
          p.scale = r.scale;
          p.zeroPoint = r.zeroPoint;
        } else {
          dynamicQuantParams(xd, xd.length, p);
          quantizeU8(xd, xd.length, p, yd);
        }
        outputs[1].data[0] = p.scale;
        outputs[2].data[0] = p.zeroPoint;
      },
    };
  },
};
