import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { sizeOf } from '../tensor.js';

export const sizeConfig: OpConfig = {
  opType: 'Size',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  shapeOnlyInputs: [0],
  prepare(ctx) {
    const n = BigInt(sizeOf(ctx.input(0).dims));
    return { outputs: [{ dtype: 'int64', dims: [] }], run: (_i, o) => ((o[0].data as BigInt64Array)[0] = n) };
  },
};
