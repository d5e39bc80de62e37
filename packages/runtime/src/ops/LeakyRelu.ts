import { unaryElementwise } from './unary-elementwise.js';

export const leakyReluConfig = unaryElementwise({
  opType: 'LeakyRelu',
  float: (ctx) => {
    const alpha = ctx.attrs.float('alpha', 0.01);
    return (x) => (x >= 0 ? x : alpha * x);
  },
  wasm: (ctx) => ({ op: 'leakyrelu', p0: ctx.attrs.float('alpha', 0.01) }),
});
