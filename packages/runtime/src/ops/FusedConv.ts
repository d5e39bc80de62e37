import type { OpConfig } from '../op-registry.js';
import { prepareConv } from './Conv.js';

// com.microsoft FusedConv (ONNX Runtime's contrib op, also what fuse-conv-activation emits):
// Conv followed by an activation, here Relu or Clip (activation_params = [min, max]), fused into
// the convolution's store.
export const fusedConvConfig: OpConfig = {
  opType: 'FusedConv',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const activation = ctx.attrs.string('activation', '');
    if (activation === 'Relu') return prepareConv(ctx, [0, Infinity]);
    if (activation === 'Clip') {
      const [lo, hi] = ctx.attrs.floats('activation_params', [-Infinity, Infinity]);
      return prepareConv(ctx, [lo, hi]);
    }
    return ctx.fail(`activation '${activation}' is not supported (Relu, Clip)`);
  },
};
