import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { copyIfDistinct } from './copy.js';

export const flattenConfig: OpConfig = {
  opType: 'Flatten',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    let axis = ctx.attrs.int('axis', 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis > r) ctx.fail(`axis ${ctx.attrs.int('axis', 1)} out of range for rank ${r}`);
    const dims = [sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis))];
    return { outputs: [{ dtype: x.dtype, dims }], aliases: [0], run: (i, o) => copyIfDistinct(i[0], o[0]) };
  },
};
