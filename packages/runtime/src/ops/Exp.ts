import { unaryElementwise } from './unary-elementwise.js';

export const expConfig = unaryElementwise({
  opType: 'Exp',
  float: () => Math.exp,
  wasm: () => ({ op: 'exp' }),
});
