import { variadicElementwise } from './variadic-elementwise.js';

export const sumConfig = variadicElementwise({
  opType: 'Sum',
  combine: (a, x) => a + x,
});
