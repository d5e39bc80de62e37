import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { toNumbers } from '../tensor.js';
import { requireDims } from '../shape-checks.js';

export const constantOfShapeConfig: OpConfig = {
  opType: 'ConstantOfShape',
  domain: '',
  minOpset: 9,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const dims = requireDims(ctx, toNumbers(ctx.value(0)), 'input');
    if (dims.some((d) => d < 0)) ctx.fail(`negative dimension in [${dims.join(', ')}]`);
    const v = ctx.attrs.tensor('value');
    const dtype = v?.dtype ?? 'float32';
    const fill = v ? v.data[0] : 0;
    return {
      outputs: [{ dtype, dims }],
      run: (_i, o) => (o[0].data as Float32Array).fill(fill as number),
    };
  },
};
