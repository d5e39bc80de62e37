// Factory for variadic broadcasting element-wise ops (Sum, Max, Min, Mean).

import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { broadcastEach, planBroadcast } from './broadcast.js';

export interface VariadicOpSpec {
  opType: string;
  combine: (acc: number, x: number) => number;
  finish?: (acc: number, count: number) => number;
  /** Only float32/float64 (Mean); otherwise any numeric type (int64 as bigint: combine must work on both). */
  floatOnly?: boolean;
}

export function variadicElementwise(spec: VariadicOpSpec): OpConfig {
  return {
    opType: spec.opType,
    domain: '',
    minOpset: 8,
    maxOpset: LATEST_OPSET,
    prepare(ctx) {
      const n = ctx.inputCount;
      const first = ctx.input(0);
      const ok = spec.floatOnly ? first.dtype === 'float32' || first.dtype === 'float64' : !['bool', 'float16', 'int4', 'uint4'].includes(first.dtype);
      if (!ok) ctx.fail(`${first.dtype} inputs are not supported`);
      const shapes = Array.from({ length: n }, (_, i) => {
        const t = ctx.input(i);
        if (t.dtype !== first.dtype) ctx.fail(`input ${i} is ${t.dtype}, input 0 is ${first.dtype}`);
        return t.dims;
      });
      const plan = planBroadcast(shapes);
      const { combine, finish } = spec;
      let arrays: Float32Array[] = [];
      let out: Float32Array;
      const visit = (i: number, off: Int32Array) => {
        let acc = arrays[0][off[0]];
        for (let t = 1; t < n; t++) acc = combine(acc, arrays[t][off[t]]);
        out[i] = finish ? finish(acc, n) : acc;
      };
      return {
        outputs: [{ dtype: first.dtype, dims: plan.outDims }],
        run(inputs, outputs) {
          if (arrays.length !== n) arrays = new Array(n);
          for (let t = 0; t < n; t++) arrays[t] = inputs[t].data as Float32Array;
          out = outputs[0].data as Float32Array;
          broadcastEach(plan, visit);
        },
      };
    },
  };
}
