import { unaryElementwise } from './unary-elementwise.js';

export const sigmoidConfig = unaryElementwise({
  opType: 'Sigmoid',
  float: () => (x) => 1 / (1 + Math.exp(-x)),
  wasm: () => ({ op: 'sigmoid' }),
});
