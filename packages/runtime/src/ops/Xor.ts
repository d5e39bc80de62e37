import { binaryElementwise } from './binary-elementwise.js';

export const xorConfig = binaryElementwise({
  opType: 'Xor',
  bool: (a, b) => a !== b,
  boolOutput: true,
});
