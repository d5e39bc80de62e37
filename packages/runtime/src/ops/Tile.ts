import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { stridesOf } from '../shape-utils.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { requireDims } from '../shape-checks.js';

export const tileConfig: OpConfig = {
  opType: 'Tile',
  domain: '',
  minOpset: 6,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const reps = toNumbers(ctx.value(1));
    const r = x.dims.length;
    if (reps.length !== r) ctx.fail(`repeats has ${reps.length} entries for rank ${r}`);
    if (reps.some((v) => v < 0)) ctx.fail(`negative repeats [${reps.join(', ')}]`);
    const dims = requireDims(ctx, x.dims.map((d, i) => d * reps[i]), 'repeats');
    const inStrides = stridesOf(x.dims);
    const size = sizeOf(dims);
    const counter = new Int32Array(r);
    return {
      outputs: [{ dtype: x.dtype, dims }],
      run(inputs, outputs) {
        const a = inputs[0].data as Float32Array;
        const o = outputs[0].data as Float32Array;
        if (size === 0) return;
        counter.fill(0);
        for (let out = 0; out < size; out++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += (counter[k] % x.dims[k]) * inStrides[k];
          o[out] = a[s];
          for (let k = r - 1; k >= 0; k--) {
            if (++counter[k] < dims[k]) break;
            counter[k] = 0;
          }
        }
      },
    };
  },
};
