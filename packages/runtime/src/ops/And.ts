import { binaryElementwise } from './binary-elementwise.js';

export const andConfig = binaryElementwise({
  opType: 'And',
  bool: (a, b) => a && b,
  boolOutput: true,
});
