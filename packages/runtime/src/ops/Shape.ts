import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { fromNumbers } from '../tensor.js';

export const shapeConfig: OpConfig = {
  opType: 'Shape',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  shapeOnlyInputs: [0],
  prepare(ctx) {
    const dims = ctx.input(0).dims;
    const r = dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = ctx.opset >= 15 ? clamp(ctx.attrs.int('start', 0)) : 0;
    const end = ctx.opset >= 15 ? clamp(ctx.attrs.int('end', r)) : r;
    const values = dims.slice(start, Math.max(start, end));
    const value = fromNumbers('int64', [values.length], values);
    return {
      outputs: [{ dtype: 'int64', dims: [values.length] }],
      run: (_i, o) => (o[0].data as BigInt64Array).set(value.data as BigInt64Array),
    };
  },
};
