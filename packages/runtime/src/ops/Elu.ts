import { unaryElementwise } from './unary-elementwise.js';

export const eluConfig = unaryElementwise({
  opType: 'Elu',
  float: (ctx) => {
    const alpha = ctx.attrs.float('alpha', 1);
    return (x) => (x >= 0 ? x : alpha * (Math.exp(x) - 1));
  },
});
