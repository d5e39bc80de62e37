// A ReLU/Clip the QDQ patterns folded into an integer op: attributes `activation_min` /
// `activation_max` (already in the output's quantized domain) narrow the output clamp.

import type { OpContext } from '../../op-registry.js';

export function fusedActivationRange(ctx: OpContext, output: 'u8' | 's8'): [number, number] {
  const [lo, hi] = output === 's8' ? [-128, 127] : [0, 255];
  return [Math.max(lo, ctx.attrs.int('activation_min', lo)), Math.min(hi, ctx.attrs.int('activation_max', hi))];
}
