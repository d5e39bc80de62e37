// com.microsoft QLinearSoftmax (ONNX Runtime's CPU kernel numerics): a float lookup table of
// exp((q − 255 + shift)·x_scale), the row max aligned to the table's top, the sum in float, then
// y = round(table[q]·⌊1/y_scale⌋ / sum) + y_zero_point. Also ai.octet QLinearSoftmax (fused QDQ).

import type { OpConfig } from '../../op-registry.js';
import { normalizeAxis } from '../../shape-utils.js';
import { sizeOf } from '../../tensor.js';
import { roundHalfEven, scalarParam } from './quant-params.js';
import { constantInWasm, inWasm, wasmKernels } from './wasm-bridge.js';

const FLT_MAX = 3.4028234663852886e38;

export function softmaxLookupTable(xScale: number, reduceLen: number, signed: boolean): Float32Array {
  let shift = Math.log(FLT_MAX / reduceLen);
  shift = Math.max(0, shift - 5) / xScale;
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = Math.exp((i - 255 + shift) * xScale);
    table[signed ? (i - 128) & 0xff : i] = v;
  }
  return table;
}

export const qLinearSoftmaxConfig: OpConfig = {
  opType: 'QLinearSoftmax',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const x = ctx.input(0);
    if (x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`X must be uint8 or int8, got ${x.dtype}`);
    const signed = x.dtype === 'int8';
    const opset = ctx.attrs.int('opset', 13);
    const r = x.dims.length;
    const axis = normalizeAxis(ctx.attrs.int('axis', opset < 13 ? 1 : -1), r);
    const D = opset < 13 ? sizeOf(x.dims.slice(axis)) : x.dims[axis];
    const inner = opset < 13 ? 1 : sizeOf(x.dims.slice(axis + 1));
    const outer = sizeOf(x.dims.slice(0, axis));
    const table = softmaxLookupTable(Math.fround(scalarParam(ctx, 1, 'X_scale')), D, signed);
    const yScale = Math.fround(Math.floor(Math.fround(1 / Math.fround(scalarParam(ctx, 3, 'Y_scale')))));
    const zy = scalarParam(ctx, 4, 'Y_zero_point');
    // Contiguous rows on the kernels (same numerics: sequential f32 sum, f32 mul/div, half-even).
    const k = inner === 1 ? wasmKernels(ctx) : undefined;
    const kernel = k?.exports['x8_qlinear_softmax__wasmsimd'];
    const tablePtr = k && kernel ? constantInWasm(ctx, k, `softmax-table:${D}:${table[255]}`, table) : 0;
    return {
      outputs: [{ dtype: x.dtype, dims: x.dims }],
      run(inputs, outputs) {
        const xd = inputs[0].data as Uint8Array;
        const yd = outputs[0].data;
        if (k && kernel && inWasm(k, xd, yd)) {
          kernel(xd.byteOffset, yd.byteOffset, outer, D, tablePtr, yScale, zy, signed ? 1 : 0);
          return;
        }
        for (let o = 0; o < outer; o++) {
          for (let j = 0; j < inner; j++) {
            const base = o * D * inner + j;
            let xmax = signed ? -128 : 0;
            for (let d = 0; d < D; d++) {
              const v = xd[base + d * inner];
              if (v > xmax) xmax = v;
            }
            // uint8: table[255 − xmax + q]; int8: table[u8(127 − xmax + q)].
            const adj = signed ? 127 - xmax : 255 - xmax;
            let sum = 0;
            for (let d = 0; d < D; d++) sum = Math.fround(sum + table[(adj + xd[base + d * inner]) & 0xff]);
            if (sum === 0) return;
            for (let d = 0; d < D; d++) {
              const vt = table[(adj + xd[base + d * inner]) & 0xff];
              const vq = roundHalfEven(Math.fround(Math.fround(vt * yScale) / sum)) + zy;
              yd[base + d * inner] = signed ? (vq > 255 ? 255 : vq) : vq > 255 ? 255 : vq;
            }
          }
        }
      },
    };
  },
};
