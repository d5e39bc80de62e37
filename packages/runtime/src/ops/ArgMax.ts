import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis } from '../shape-utils.js';
import { sizeOf } from '../tensor.js';

export const argMaxConfig: OpConfig = {
  opType: 'ArgMax',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    const axis = normalizeAxis(ctx.attrs.int('axis', 0), r);
    const keep = ctx.attrs.int('keepdims', 1) !== 0;
    const last = ctx.opset >= 12 && ctx.attrs.int('select_last_index', 0) !== 0;
    const n = x.dims[axis];
    const outer = sizeOf(x.dims.slice(0, axis));
    const inner = sizeOf(x.dims.slice(axis + 1));
    const dims = keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis);
    return {
      outputs: [{ dtype: 'int64', dims }],
      run(inputs, outputs) {
        const a = inputs[0].data as Float32Array;
        const o = outputs[0].data as BigInt64Array;
        for (let p = 0; p < outer; p++) {
          for (let q = 0; q < inner; q++) {
            const base = p * n * inner + q;
            let best = 0;
            let bv = a[base];
            for (let k = 1; k < n; k++) {
              const v = a[base + k * inner];
              if (v > bv || (last && v === bv)) {
                bv = v;
                best = k;
              }
            }
            o[p * inner + q] = BigInt(best);
          }
        }
      },
    };
  },
};
