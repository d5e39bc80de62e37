import { binaryElementwise } from './binary-elementwise.js';

export const greaterOrEqualConfig = binaryElementwise({
  opType: 'GreaterOrEqual',
  minOpset: 12,
  float: (a, b) => a >= b,
  int: (a, b) => a >= b,
  bigint: (a, b) => a >= b,
  boolOutput: true,
});
