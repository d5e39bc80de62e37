import { unaryElementwise } from './unary-elementwise.js';

export const logConfig = unaryElementwise({
  opType: 'Log',
  float: () => Math.log,
});
