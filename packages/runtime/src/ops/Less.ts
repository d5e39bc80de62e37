import { binaryElementwise } from './binary-elementwise.js';

export const lessConfig = binaryElementwise({
  opType: 'Less',
  float: (a, b) => a < b,
  int: (a, b) => a < b,
  bigint: (a, b) => a < b,
  boolOutput: true,
});
