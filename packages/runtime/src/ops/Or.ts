import { binaryElementwise } from './binary-elementwise.js';

export const orConfig = binaryElementwise({
  opType: 'Or',
  bool: (a, b) => a || b,
  boolOutput: true,
});
