import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { readNumber } from '../tensor.js';
import { requireDims } from '../shape-checks.js';

export const rangeConfig: OpConfig = {
  opType: 'Range',
  domain: '',
  minOpset: 11,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const t = ctx.input(0);
    if (!['float32', 'float64', 'int16', 'int32', 'int64'].includes(t.dtype)) ctx.fail(`${t.dtype} Range is not supported`);
    const start = readNumber(ctx.value(0), 0);
    const limit = readNumber(ctx.value(1), 0);
    const delta = readNumber(ctx.value(2), 0);
    if (delta === 0) ctx.fail('delta is 0');
    const [n] = requireDims(ctx, [Math.max(Math.ceil((limit - start) / delta), 0)], 'start/limit/delta');
    return {
      outputs: [{ dtype: t.dtype, dims: [n] }],
      // Written straight into the output: no n-element JS array (n may be up to maxTensorElements).
      run: (_i, o) => {
        const d = o[0].data;
        if (d instanceof BigInt64Array) for (let i = 0; i < n; i++) d[i] = BigInt(Math.trunc(start + i * delta));
        else for (let i = 0; i < n; i++) (d as Float32Array)[i] = start + i * delta;
      },
    };
  },
};
