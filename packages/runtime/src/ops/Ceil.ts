import { unaryElementwise } from './unary-elementwise.js';

export const ceilConfig = unaryElementwise({
  opType: 'Ceil',
  float: () => Math.ceil,
});
