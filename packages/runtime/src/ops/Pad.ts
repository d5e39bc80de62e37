import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { normalizeAxis, stridesOf } from '../shape-utils.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { requireDims, requireIntegers } from '../shape-checks.js';

export const padConfig: OpConfig = {
  opType: 'Pad',
  domain: '',
  minOpset: 2,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const r = x.dims.length;
    const mode = ctx.attrs.string('mode', 'constant');
    if (!['constant', 'reflect', 'edge', 'wrap'].includes(mode)) ctx.fail(`mode '${mode}' is not supported`);
    let raw: number[];
    let cval = 0 as number | bigint;
    let axes = x.dims.map((_, i) => i);
    if (ctx.opset < 11) {
      raw = [...ctx.attrs.ints('pads')];
      cval = ctx.attrs.float('value', 0);
    } else {
      raw = toNumbers(ctx.value(1));
      if (ctx.hasInput(2)) {
        const c = ctx.value(2);
        if (c.data.length > 0) cval = c.data[0] as number | bigint;
      }
      if (ctx.opset >= 18 && ctx.hasInput(3)) axes = toNumbers(ctx.value(3)).map((a) => normalizeAxis(a, r));
    }
    if (raw.length !== 2 * axes.length) ctx.fail(`pads has ${raw.length} values for ${axes.length} axes`);
    const before = new Array<number>(r).fill(0);
    const after = new Array<number>(r).fill(0);
    axes.forEach((a, k) => {
      before[a] = raw[k];
      after[a] = raw[k + axes.length];
    });
    requireIntegers(ctx, { pads: raw });
    const dims = requireDims(ctx, x.dims.map((d, i) => d + before[i] + after[i]), 'pads');
    if (dims.some((d) => d < 0)) ctx.fail(`pads [${raw.join(', ')}] give a negative dimension`);
    const inStrides = stridesOf(x.dims);
    const size = sizeOf(dims);
    const counter = new Int32Array(r);
    const fill = x.dtype === 'int64' || x.dtype === 'uint64' ? BigInt(cval) : Number(cval);
    const empty = sizeOf(x.dims) === 0;
    return {
      outputs: [{ dtype: x.dtype, dims }],
      run(inputs, outputs) {
        const a = inputs[0].data as Float32Array;
        const o = outputs[0].data as Float32Array;
        counter.fill(0);
        for (let out = 0; out < size; out++) {
          let s = 0;
          let inside = true;
          for (let k = 0; k < r; k++) {
            const d = x.dims[k];
            let i = counter[k] - before[k];
            if (i < 0 || i >= d) {
              if (mode === 'constant' || empty) {
                inside = false;
                break;
              } else if (mode === 'edge') i = i < 0 ? 0 : d - 1;
              else if (mode === 'wrap') i = ((i % d) + d) % d;
              else {
                // reflect without repeating the edge
                const period = 2 * (d - 1);
                if (period === 0) i = 0;
                else {
                  i = ((i % period) + period) % period;
                  if (i >= d) i = period - i;
                }
              }
            }
            s += i * inStrides[k];
          }
          o[out] = inside ? a[s] : (fill as number);
          for (let k = r - 1; k >= 0; k--) {
            if (++counter[k] < dims[k]) break;
            counter[k] = 0;
          }
        }
      },
    };
  },
};
