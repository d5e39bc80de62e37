import { unaryElementwise } from './unary-elementwise.js';

export const negConfig = unaryElementwise({
  opType: 'Neg',
  float: () => (x) => -x,
  int: () => (x) => -x,
  bigint: () => (x) => -x,
  wasm: () => ({ op: 'neg' }),
});
