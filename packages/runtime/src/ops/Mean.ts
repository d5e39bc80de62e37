import { variadicElementwise } from './variadic-elementwise.js';

export const meanConfig = variadicElementwise({
  opType: 'Mean',
  combine: (a, x) => a + x,
  finish: (a, n) => a / n,
  floatOnly: true,
});
