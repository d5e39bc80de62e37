import { binaryElementwise } from './binary-elementwise.js';

export const divConfig = binaryElementwise({
  opType: 'Div',
  float: (a, b) => a / b,
  int: (a, b) => Math.trunc(a / b),
  bigint: (a, b) => a / b,
  wasm: 'div',
});
