// Spatial geometry shared by Conv, ConvTranspose and the pools: kernel, strides, dilations and
// explicit begin/end pads resolved from the attributes (auto_pad included).

import type { OpContext } from '../op-registry.js';
import { requireWindow, requireWindowExtent } from '../shape-checks.js';

export interface ConvGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  inSpatial: number[];
  outSpatial: number[];
}

export function convGeometry(ctx: OpContext, inSpatial: readonly number[], kernel: readonly number[], opts: { ceilMode?: boolean } = {}): ConvGeometry {
  const r = inSpatial.length;
  const strides = ctx.attrs.has('strides') ? [...ctx.attrs.ints('strides')] : new Array<number>(r).fill(1);
  const dilations = ctx.attrs.has('dilations') ? [...ctx.attrs.ints('dilations')] : new Array<number>(r).fill(1);
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  let pads = ctx.attrs.has('pads') ? [...ctx.attrs.ints('pads')] : new Array<number>(2 * r).fill(0);
  requireWindow(ctx, r, { kernel_shape: kernel, strides, dilations, pads });
  if (strides.length !== r || dilations.length !== r || pads.length !== 2 * r) {
    ctx.fail(`strides/dilations/pads do not match ${r} spatial axes`);
  }
  const outSpatial: number[] = [];
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  for (let i = 0; i < r; i++) {
    const ek = dilations[i] * (kernel[i] - 1) + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = Math.ceil(inSpatial[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + ek - inSpatial[i]);
      const small = Math.floor(total / 2);
      padBegin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      padEnd.push(autoPad === 'SAME_UPPER' ? total - small : small);
      outSpatial.push(out);
      continue;
    }
    if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
    else if (autoPad !== 'NOTSET') ctx.fail(`auto_pad '${autoPad}' is not supported`);
    padBegin.push(pads[i]);
    padEnd.push(pads[i + r]);
    const span = inSpatial[i] + pads[i] + pads[i + r] - ek;
    let out = (opts.ceilMode ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
    // With ceil_mode, the last window must start inside the input or left padding.
    if (opts.ceilMode && (out - 1) * strides[i] >= inSpatial[i] + pads[i]) out--;
    outSpatial.push(out);
  }
  if (outSpatial.some((d) => d <= 0)) ctx.fail(`output spatial size [${outSpatial.join(', ')}] is not positive`);
  requireWindowExtent(ctx, inSpatial, padBegin, padEnd, outSpatial);
  return { kernel: [...kernel], strides, dilations, padBegin, padEnd, inSpatial: [...inSpatial], outSpatial };
}
