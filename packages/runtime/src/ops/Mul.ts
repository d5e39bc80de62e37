import { binaryElementwise } from './binary-elementwise.js';

export const mulConfig = binaryElementwise({
  opType: 'Mul',
  float: (a, b) => a * b,
  int: (a, b) => a * b,
  bigint: (a, b) => a * b,
  wasm: 'mul',
});
