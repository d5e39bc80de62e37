import { variadicElementwise } from './variadic-elementwise.js';

export const minConfig = variadicElementwise({
  opType: 'Min',
  combine: (a, x) => (x < a || Number.isNaN(x) ? x : a),
});
