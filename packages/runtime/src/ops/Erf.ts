import { erf } from './math.js';
import { unaryElementwise } from './unary-elementwise.js';

export const erfConfig = unaryElementwise({
  opType: 'Erf',
  minOpset: 9,
  float: () => erf,
  int: () => (x) => Math.round(erf(x)),
  wasm: () => ({ op: 'erf' }),
});
