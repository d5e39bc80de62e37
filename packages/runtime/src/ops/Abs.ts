import { unaryElementwise } from './unary-elementwise.js';

export const absConfig = unaryElementwise({
  opType: 'Abs',
  float: () => Math.abs,
  int: () => Math.abs,
  bigint: () => (x) => (x < 0n ? -x : x),
  wasm: () => ({ op: 'abs' }),
});
