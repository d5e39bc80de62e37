import { unaryElementwise } from './unary-elementwise.js';

export const sqrtConfig = unaryElementwise({
  opType: 'Sqrt',
  float: () => Math.sqrt,
  wasm: () => ({ op: 'sqrt' }),
});
