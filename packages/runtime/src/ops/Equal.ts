import { binaryElementwise } from './binary-elementwise.js';

export const equalConfig = binaryElementwise({
  opType: 'Equal',
  float: (a, b) => a === b,
  int: (a, b) => a === b,
  bigint: (a, b) => a === b,
  bool: (a, b) => a === b,
  boolOutput: true,
});
