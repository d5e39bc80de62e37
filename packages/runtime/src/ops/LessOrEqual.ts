import { binaryElementwise } from './binary-elementwise.js';

export const lessOrEqualConfig = binaryElementwise({
  opType: 'LessOrEqual',
  minOpset: 12,
  float: (a, b) => a <= b,
  int: (a, b) => a <= b,
  bigint: (a, b) => a <= b,
  boolOutput: true,
});
