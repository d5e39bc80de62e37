import { unaryElementwise } from './unary-elementwise.js';

export const softplusConfig = unaryElementwise({
  opType: 'Softplus',
  float: () => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
});
