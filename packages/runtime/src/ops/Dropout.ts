import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig } from '../op-registry.js';
import { copyIfDistinct } from './copy.js';

// Inference only: output = input, mask all true. training_mode=true is rejected.
export const dropoutConfig: OpConfig = {
  opType: 'Dropout',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare(ctx) {
    const x = ctx.input(0);
    if (ctx.opset >= 12 && ctx.hasInput(2)) {
      const training = ctx.value(2).data[0];
      if (training) ctx.fail('training_mode=true is not supported (inference runtime)');
    }
    if (ctx.opset < 7 && ctx.attrs.int('is_test', 0) === 0) {
      ctx.fail('is_test=0 (training) is not supported');
    }
    const maskType = ctx.opset >= 10 ? 'bool' : x.dtype;
    return {
      outputs: [x, { dtype: maskType, dims: x.dims }],
      aliases: [0],
      run(i, o) {
        copyIfDistinct(i[0], o[0]);
        if (o[1]) (o[1].data as Uint8Array).fill(1);
      },
    };
  },
};
