import { binaryElementwise } from './binary-elementwise.js';

export const greaterConfig = binaryElementwise({
  opType: 'Greater',
  float: (a, b) => a > b,
  int: (a, b) => a > b,
  bigint: (a, b) => a > b,
  boolOutput: true,
});
