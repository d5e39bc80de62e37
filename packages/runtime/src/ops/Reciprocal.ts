import { unaryElementwise } from './unary-elementwise.js';

export const reciprocalConfig = unaryElementwise({
  opType: 'Reciprocal',
  float: () => (x) => 1 / x,
});
