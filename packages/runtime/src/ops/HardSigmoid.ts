import { unaryElementwise } from './unary-elementwise.js';

export const hardSigmoidConfig = unaryElementwise({
  opType: 'HardSigmoid',
  float: (ctx) => {
    const alpha = ctx.attrs.float('alpha', 0.2);
    const beta = ctx.attrs.float('beta', 0.5);
    return (x) => Math.max(0, Math.min(1, alpha * x + beta));
  },
  wasm: (ctx) => ({ op: 'hardsigmoid', p0: ctx.attrs.float('alpha', 0.2), p1: ctx.attrs.float('beta', 0.5) }),
});
