import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { copyIfDistinct } from './copy.js';

export const identityConfig: OpConfig = {
  opType: 'Identity',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    return { outputs: [x], aliases: [0], run: (i, o) => copyIfDistinct(i[0], o[0]) };
  },
};
