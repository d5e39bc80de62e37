import { binaryElementwise } from './binary-elementwise.js';

export const pReluConfig = binaryElementwise({
  opType: 'PRelu',
  minOpset: 7,
  float: (x, slope) => (x < 0 ? x * slope : x),
  int: (x, slope) => (x < 0 ? x * slope : x),
  bigint: (x, slope) => (x < 0n ? x * slope : x),
  wasm: 'prelu',
});
