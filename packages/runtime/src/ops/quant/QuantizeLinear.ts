// ONNX QuantizeLinear (opsets 10–23): per-tensor, per-axis and blocked (opset 21) quantization of
// float32 to u8/s8/u16/s16/u4/s4 (int4 unpacked one value per byte). Rounds half to even after
// dividing by the scale, as ONNX Runtime's MLAS does.

import { LATEST_OPSET } from '../../op-names.js';
import type { OpConfig, OpContext, TensorMeta } from '../../op-registry.js';
import { dtypeFromOnnx, type DType, type Tensor } from '../../tensor.js';
import { QuantizeState, quantizeLinearInto, type QuantType } from '@octet/kernels';
import { qRange, quantizeValue } from './quant-params.js';
import { constantInWasm, inWasm, wasmKernels } from './wasm-bridge.js';
import { quantAxisLayout, type AxisLayout } from './quant-layout.js';

const KERNEL_TYPES: Partial<Record<DType, QuantType>> = { uint8: 'u8', int8: 's8', uint16: 'u16', int16: 's16' };

const OUTPUT_TYPES: ReadonlySet<DType> = new Set(['uint8', 'int8', 'uint16', 'int16', 'uint4', 'int4']);

export function quantizeOutputType(ctx: OpContext): DType {
  if (ctx.hasInput(2)) return ctx.input(2).dtype;
  const code = ctx.attrs.int('output_dtype', 0);
  if (code === 0) return 'uint8';
  const t = dtypeFromOnnx(code);
  if (!t) return ctx.fail(`output_dtype ${code} is not supported`);
  return t;
}

export const quantizeLinearConfig: OpConfig = {
  opType: 'QuantizeLinear',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'float32') ctx.fail(`input must be float32, got ${x.dtype}`);
    const scale = ctx.input(1);
    if (scale.dtype !== 'float32') ctx.fail(`y_scale must be float32, got ${scale.dtype}`);
    const outType = quantizeOutputType(ctx);
    if (!OUTPUT_TYPES.has(outType)) ctx.fail(`output type ${outType} is not supported (float8 types are not)`);
    const layout = quantAxisLayout(ctx, x.dims, scale, ctx.hasInput(2) ? ctx.input(2) : undefined);
    const [qmin, qmax] = qRange(outType);
    // WASM kernel for 8/16-bit outputs with constant parameters (int4 stays unpacked, in TypeScript).
    // Not for compile-time folding (all inputs constant): nothing to keep in WASM memory then.
    const k = ctx.constant(0) ? undefined : wasmKernels(ctx);
    const kType = KERNEL_TYPES[outType];
    const sc = ctx.constant(1);
    const zp = ctx.hasInput(2) ? ctx.constant(2) : undefined;
    if (k && kType && sc && (zp || !ctx.hasInput(2))) {
      const sp = constantInWasm(ctx, k, 'scale', sc.data);
      const zpp = zp ? constantInWasm(ctx, k, 'zero-point', zp.data) : 0;
      const kl = { outer: layout.outer, axisDim: layout.axisDim, inner: layout.inner, block: layout.block };
      // one argument object and split per node, updated in place (a run allocates nothing)
      const args = { x: 0, y: 0, scale: sp, zeroPoint: zpp, type: kType, layout: kl };
      const state = new QuantizeState();
      return {
        outputs: [{ dtype: outType, dims: x.dims } satisfies TensorMeta],
        run(inputs, outputs) {
          const xd = inputs[0].data;
          const yd = outputs[0].data;
          if (inWasm(k, xd, yd)) {
            args.x = xd.byteOffset;
            args.y = yd.byteOffset;
            quantizeLinearInto(k, args, state);
          }
          else quantizeInto(xd as Float32Array, inputs[1], inputs[2], yd as Int8Array, layout, qmin, qmax);
        },
      };
    }
    return {
      outputs: [{ dtype: outType, dims: x.dims } satisfies TensorMeta],
      run(inputs, outputs) {
        quantizeInto(inputs[0].data as Float32Array, inputs[1], inputs[2], outputs[0].data as Int8Array, layout, qmin, qmax);
      },
    };
  },
};

export function quantizeInto(
  x: Float32Array,
  scale: Tensor,
  zeroPoint: Tensor | undefined,
  y: { [i: number]: number },
  l: AxisLayout,
  qmin: number,
  qmax: number,
): void {
  const s = scale.data as Float32Array;
  const z = zeroPoint?.data;
  const { outer, axisDim, inner, block } = l;
  if (l.perTensor) {
    const sc = s[0];
    const zp = z ? Number(z[0]) : 0;
    const lo = qmin - zp;
    const hi = qmax - zp;
    for (let k = 0; k < x.length; k++) {
      let q = Math.fround(x[k] / sc);
      q = q < lo ? lo : q > hi ? hi : q;
      // NaN stays NaN past the clamps and stores as 0 + zero point.
      y[k] = (q === q ? q + 6755399441055744 - 6755399441055744 : 0) + zp;
    }
    return;
  }
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < axisDim; a++) {
      const rowBase = block > 0 ? (o * Math.ceil(axisDim / block) + Math.floor(a / block)) * inner : a;
      for (let j = 0; j < inner; j++, i++) {
        const si = l.perTensor ? 0 : block > 0 ? rowBase + j : rowBase;
        y[i] = quantizeValue(x[i], s[si], z ? Number(z[si]) : 0, qmin, qmax);
      }
    }
  }
}
