// ONNX DequantizeLinear (opsets 10–23): (x − zero_point) · scale to float32, per-tensor,
// per-axis and blocked, from u8/s8/u16/s16/u4/s4/i32 (int32 has no zero point).

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig } from '../../op-registry.js';
import type { DType, Tensor } from '../../tensor.js';
import { QuantizeState, dequantizeLinearInto, type DequantInputType } from '@octet/kernels';
import { quantAxisLayout, type AxisLayout } from './quant-layout.js';
import { constantInWasm, inWasm, wasmKernels } from './wasm-bridge.js';

const KERNEL_TYPES: Partial<Record<DType, DequantInputType>> = { uint8: 'u8', int8: 's8', uint16: 'u16', int16: 's16', int32: 'i32' };

const INPUT_TYPES: ReadonlySet<DType> = new Set(['uint8', 'int8', 'uint16', 'int16', 'uint4', 'int4', 'int32']);

export const dequantizeLinearConfig: OpConfig = {
  opType: 'DequantizeLinear',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    if (!INPUT_TYPES.has(x.dtype)) ctx.fail(`input type ${x.dtype} is not supported`);
    const scale = ctx.input(1);
    if (scale.dtype !== 'float32') ctx.fail(`x_scale must be float32, got ${scale.dtype}`);
    const zp = ctx.hasInput(2) ? ctx.input(2) : undefined;
    if (zp && zp.dtype !== x.dtype) ctx.fail(`x_zero_point is ${zp.dtype}, x is ${x.dtype}`);
    const layout = quantAxisLayout(ctx, x.dims, scale, zp);
    // Not for compile-time folding (all inputs constant): nothing to keep in WASM memory then.
    const k = ctx.constant(0) ? undefined : wasmKernels(ctx);
    const kType = KERNEL_TYPES[x.dtype];
    const sc = ctx.constant(1);
    const zc = zp ? ctx.constant(2) : undefined;
    if (k && kType && sc && (zc || !zp) && !(x.dtype === 'int32' && zc)) {
      const sp = constantInWasm(ctx, k, 'scale', sc.data);
      const zpp = zc ? constantInWasm(ctx, k, 'zero-point', zc.data) : 0;
      const kl = { outer: layout.outer, axisDim: layout.axisDim, inner: layout.inner, block: layout.block };
      // one argument object and split per node, updated in place (a run allocates nothing)
      const args = { x: 0, y: 0, scale: sp, zeroPoint: zpp, type: kType, layout: kl };
      const state = new QuantizeState();
      return {
        outputs: [{ dtype: 'float32', dims: x.dims }],
        run(inputs, outputs) {
          const xd = inputs[0].data;
          const yd = outputs[0].data;
          if (inWasm(k, xd, yd)) {
            args.x = xd.byteOffset;
            args.y = yd.byteOffset;
            dequantizeLinearInto(k, args, state);
          }
          else dequantizeInto(xd, inputs[1], inputs[2], yd as Float32Array, layout);
        },
      };
    }
    return {
      outputs: [{ dtype: 'float32', dims: x.dims }],
      run(inputs, outputs) {
        dequantizeInto(inputs[0].data, inputs[1], inputs[2], outputs[0].data as Float32Array, layout);
      },
    };
  },
};

export function dequantizeInto(x: ArrayLike<number | bigint>, scale: Tensor, zeroPoint: Tensor | undefined, y: Float32Array, l: AxisLayout): void {
  const s = scale.data as Float32Array;
  const z = zeroPoint?.data as ArrayLike<number> | undefined;
  const xs = x as ArrayLike<number>;
  const { outer, axisDim, inner, block } = l;
  if (l.perTensor) {
    const sc = s[0];
    const zz = z ? z[0] : 0;
    for (let i = 0; i < xs.length; i++) y[i] = Math.fround(xs[i] - zz) * sc;
    return;
  }
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < axisDim; a++) {
      const rowBase = block > 0 ? (o * Math.ceil(axisDim / block) + Math.floor(a / block)) * inner : a;
      for (let j = 0; j < inner; j++, i++) {
        const si = block > 0 ? rowBase + j : rowBase;
        y[i] = Math.fround(xs[i] - (z ? z[si] : 0)) * s[si];
      }
    }
  }
}
