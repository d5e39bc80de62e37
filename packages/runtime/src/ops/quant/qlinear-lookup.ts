// Unary quantized ops as a 256-entry lookup table built once per set of quantization parameters,
// as ONNX Runtime does: table[q] = quantize(f(dequantize(q))).

import type { OpConfig, OpContext } from '../../op-registry.js';
import { qRange, quantizeValue, scalarParam } from './quant-params.js';

/** table indexed by the byte of x (int8 values index as their uint8 bit pattern). */
export function buildLookupTable(signed: boolean, sx: number, zx: number, sy: number, zy: number, f: (v: number) => number): Uint8Array {
  const [qmin, qmax] = signed ? [-128, 127] : [0, 255];
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    const q = signed ? (i << 24) >> 24 : i;
    const x = Math.fround(Math.fround(q - zx) * Math.fround(sx));
    table[i] = quantizeValue(Math.fround(f(x)), Math.fround(sy), zy, qmin, qmax) & 0xff;
  }
  return table;
}

/** An op with inputs X, X_scale, X_zero_point, Y_scale, Y_zero_point computing f elementwise. */
export function qlinearLookup(opType: string, makeFn: (ctx: OpContext) => (v: number) => number): OpConfig {
  return {
    opType,
    domain: 'com.microsoft',
    minOpset: 1,
    maxOpset: 1,
    prepare(ctx) {
      const x = ctx.input(0);
      if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`X must be uint8 or int8, got ${x.dtype}`);
      qRange(x.dtype);
      const signed = x.dtype === 'int8';
      const table = buildLookupTable(
        signed,
        scalarParam(ctx, 1, 'X_scale'),
        scalarParam(ctx, 2, 'X_zero_point'),
        scalarParam(ctx, 3, 'Y_scale'),
        scalarParam(ctx, 4, 'Y_zero_point'),
        makeFn(ctx),
      );
      return {
        outputs: [{ dtype: x.dtype, dims: x.dims }],
        run(inputs, outputs) {
          const xi = inputs[0].data as Uint8Array;
          const yo = outputs[0].data;
          // Int8 data read through its bytes: index = value & 0xff.
          for (let i = 0; i < xi.length; i++) yo[i] = signed ? (table[xi[i] & 0xff] << 24) >> 24 : table[xi[i]];
        },
      };
    },
  };
}

export const qLinearSigmoidConfig = qlinearLookup('QLinearSigmoid', () => (v) => Math.fround(1 / (1 + Math.exp(-v))));
export const qLinearLeakyReluConfig = qlinearLookup('QLinearLeakyRelu', (ctx) => {
  const alpha = Math.fround(ctx.attrs.float('alpha', 0.01));
  return (v) => (v >= 0 ? v : Math.fround(v * alpha));
});
