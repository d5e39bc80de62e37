import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { toNumbers } from '../tensor.js';
import { broadcastBinary, planBroadcast } from './broadcast.js';
import { requireDims } from '../shape-checks.js';

const first = (x: unknown) => x;

export const expandConfig: OpConfig = {
  opType: 'Expand',
  domain: '',
  minOpset: 8,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    const shape = toNumbers(ctx.value(1));
    const plan = planBroadcast([x.dims, shape]);
    return {
      outputs: [{ dtype: x.dtype, dims: requireDims(ctx, plan.outDims, 'shape') }],
      run(inputs, outputs) {
        const a = inputs[0].data;
        broadcastBinary(plan, a, a, outputs[0].data, first);
      },
    };
  },
};
