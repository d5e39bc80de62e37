import { binaryElementwise } from './binary-elementwise.js';

export const subConfig = binaryElementwise({
  opType: 'Sub',
  float: (a, b) => a - b,
  int: (a, b) => a - b,
  bigint: (a, b) => a - b,
  wasm: 'sub',
});
