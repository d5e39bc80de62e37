import { unaryElementwise } from './unary-elementwise.js';

export const hardSwishConfig = unaryElementwise({
  opType: 'HardSwish',
  minOpset: 14,
  float: () => (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)),
  wasm: () => ({ op: 'hardswish' }),
});
