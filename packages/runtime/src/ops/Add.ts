import { binaryElementwise } from './binary-elementwise.js';

export const addConfig = binaryElementwise({
  opType: 'Add',
  float: (a, b) => a + b,
  int: (a, b) => a + b,
  bigint: (a, b) => a + b,
  wasm: 'add',
});
