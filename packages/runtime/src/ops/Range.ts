import type { OpConfig } from '../op-registry.js';
import { readNumber, writeNumbers } from '../tensor.js';

export const rangeConfig: OpConfig = {
  opType: 'Range',
  domain: '',
  minOpset: 11,
  maxOpset: 22,
  prepare(ctx) {
    const t = ctx.input(0);
    const start = readNumber(ctx.value(0), 0);
    const limit = readNumber(ctx.value(1), 0);
    const delta = readNumber(ctx.value(2), 0);
    if (delta === 0) ctx.fail('delta is 0');
    const n = Math.max(Math.ceil((limit - start) / delta), 0);
    const values = Array.from({ length: n }, (_, i) => start + i * delta);
    return {
      outputs: [{ dtype: t.dtype, dims: [n] }],
      run: (_i, o) => writeNumbers(o[0].data, values),
    };
  },
};
