import { unaryElementwise } from './unary-elementwise.js';

export const reluConfig = unaryElementwise({
  opType: 'Relu',
  float: () => (x) => (x > 0 ? x : 0),
  int: () => (x) => (x > 0 ? x : 0),
  bigint: () => (x) => (x > 0n ? x : 0n),
  wasm: () => ({ op: 'relu' }),
});
