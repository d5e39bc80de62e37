import { unaryElementwise } from './unary-elementwise.js';

export const notConfig = unaryElementwise({
  opType: 'Not',
  bool: () => (x) => (x ? 0 : 1),
});
