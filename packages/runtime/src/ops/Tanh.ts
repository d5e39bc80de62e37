import { unaryElementwise } from './unary-elementwise.js';

export const tanhConfig = unaryElementwise({
  opType: 'Tanh',
  float: () => Math.tanh,
  wasm: () => ({ op: 'tanh' }),
});
