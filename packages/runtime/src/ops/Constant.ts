import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { fromNumbers, type Tensor } from '../tensor.js';

export const constantConfig: OpConfig = {
  opType: 'Constant',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const a = ctx.attrs;
    let t: Tensor | undefined = a.tensor('value');
    if (!t && a.has('value_float')) t = fromNumbers('float32', [], [a.float('value_float')]);
    if (!t && a.has('value_floats')) t = fromNumbers('float32', [a.floats('value_floats').length], a.floats('value_floats'));
    if (!t && a.has('value_int')) t = fromNumbers('int64', [], [a.int('value_int')]);
    if (!t && a.has('value_ints')) t = fromNumbers('int64', [a.ints('value_ints').length], a.ints('value_ints'));
    if (!t) return ctx.fail('only value, value_float(s) and value_int(s) attributes are supported');
    const value = t;
    return {
      outputs: [{ dtype: value.dtype, dims: value.dims }],
      run: (_i, o) => (o[0].data as Float32Array).set(value.data as Float32Array),
    };
  },
};
