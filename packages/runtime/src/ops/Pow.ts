import { binaryElementwise } from './binary-elementwise.js';

// Opset 12+ allows the exponent to have a different (numeric) type than the base.
export const powConfig = binaryElementwise({
  opType: 'Pow',
  float: (a, b) => Math.pow(a, b),
  int: (a, b) => Math.trunc(Math.pow(a, b)),
  bigint: (a, b) => (b < 0n ? 0n : a ** b),
  mixedTypes: true,
});
