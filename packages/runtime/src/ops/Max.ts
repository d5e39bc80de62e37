import { variadicElementwise } from './variadic-elementwise.js';

export const maxConfig = variadicElementwise({
  opType: 'Max',
  combine: (a, x) => (x > a || Number.isNaN(x) ? x : a),
});
