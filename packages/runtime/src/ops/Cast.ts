import type { OpConfig } from '../op-registry.js';
import { dtypeFromOnnx, onnxDtypeName, type DType } from '../tensor.js';

const BIG = new Set<DType>(['int64', 'uint64']);
const FLOAT = new Set<DType>(['float32', 'float64']);

export const castConfig: OpConfig = {
  opType: 'Cast',
  domain: '',
  minOpset: 6,
  maxOpset: 22,
  prepare(ctx) {
    const x = ctx.input(0);
    const code = ctx.attrs.int('to');
    const to = dtypeFromOnnx(code);
    if (!to || to === 'float16' || to === 'int4' || to === 'uint4' || x.dtype === 'float16' || x.dtype === 'int4' || x.dtype === 'uint4') {
      return ctx.fail(`cast ${x.dtype} → ${onnxDtypeName(code)} is not supported`);
    }
    const from = x.dtype;
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
  },
};
