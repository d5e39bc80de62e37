import { float16BitsToNumber, numberToFloat16Bits } from '@octet/onnx';
import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { dtypeFromOnnx, ONNX_DTYPE_CODES, onnxDtypeName, type DType } from '../tensor.js';

const BIG = new Set<DType>(['int64', 'uint64']);
const FLOAT = new Set<DType>(['float32', 'float64']);

export const castConfig: OpConfig = {
  opType: 'Cast',
  domain: '',
  minOpset: 6,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareCast(ctx, ctx.attrs.int('to')),
};

/** CastLike: cast input 0 to input 1's dtype. */
export const castLikeConfig: OpConfig = {
  opType: 'CastLike',
  domain: '',
  minOpset: 15,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareCast(ctx, ONNX_DTYPE_CODES[ctx.input(1).dtype]),
};

function prepareCast(ctx: OpContext, code: number): PreparedOp {
  const x = ctx.input(0);
  const to = dtypeFromOnnx(code);
  if (!to || to === 'int4' || to === 'uint4' || x.dtype === 'int4' || x.dtype === 'uint4') {
    return ctx.fail(`cast ${x.dtype} → ${onnxDtypeName(code)} is not supported`);
  }
  const from = x.dtype;
  if (from === 'float16' || to === 'float16') {
    // Through float: half bits ↔ number (round to nearest even), then the ordinary cast rules.
    const widen = from === 'float16';
    return {
      outputs: [{ dtype: to, dims: x.dims }],
      run(inputs, outputs) {
        const a = inputs[0].data as any;
        const o = outputs[0].data as any;
        for (let i = 0; i < a.length; i++) {
          if (widen) {
            const v = float16BitsToNumber(a[i]);
            o[i] = to === 'float16' ? a[i] : to === 'bool' ? (v ? 1 : 0) : BIG.has(to) ? BigInt(Math.trunc(v)) : FLOAT.has(to) ? v : Math.trunc(v);
          } else {
            o[i] = numberToFloat16Bits(Number(a[i]));
          }
        }
      },
    };
  }
  return {
    outputs: [{ dtype: to, dims: x.dims }],
    run(inputs, outputs) {
      const a = inputs[0].data as any;
      const o = outputs[0].data as any;
      const n = a.length;
      if (to === 'bool') {
        for (let i = 0; i < n; i++) o[i] = a[i] ? 1 : 0;
      } else if (BIG.has(to)) {
        if (BIG.has(from)) for (let i = 0; i < n; i++) o[i] = a[i];
        else for (let i = 0; i < n; i++) o[i] = BigInt(Number.isFinite(a[i]) ? Math.trunc(a[i]) : 0);
      } else if (BIG.has(from)) {
        for (let i = 0; i < n; i++) o[i] = Number(a[i]);
      } else if (FLOAT.has(from) && !FLOAT.has(to)) {
        for (let i = 0; i < n; i++) o[i] = Math.trunc(a[i]);
      } else {
        for (let i = 0; i < n; i++) o[i] = a[i];
      }
    },
  };
}
