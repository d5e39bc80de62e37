// How a Q/DQ scale maps onto its tensor: one scale (per-tensor), one per slice of `axis`
// (per-axis, opset 13), or one per block of `block_size` along `axis` (blocked, opset 21).

import type { OpContext, TensorMeta } from '../../op-registry.js';
import { sizeOf } from '../../tensor.js';

export interface AxisLayout {
  readonly perTensor: boolean;
  readonly outer: number;
  readonly axisDim: number;
  readonly inner: number;
  /** 0: not blocked. */
  readonly block: number;
}

export function quantAxisLayout(ctx: OpContext, dims: readonly number[], scale: TensorMeta, zeroPoint: TensorMeta | undefined): AxisLayout {
  const size = sizeOf(dims);
  const block = ctx.opset >= 21 ? ctx.attrs.int('block_size', 0) : 0;
  if (zeroPoint && zeroPoint.dims.join() !== scale.dims.join() && !(sizeOf(zeroPoint.dims) === 1 && sizeOf(scale.dims) === 1)) {
    ctx.fail(`zero point shape [${zeroPoint.dims.join(', ')}] differs from scale shape [${scale.dims.join(', ')}]`);
  }
  if (sizeOf(scale.dims) === 1 && block === 0 && scale.dims.length <= 1) {
    return { perTensor: true, outer: 1, axisDim: 1, inner: size, block: 0 };
  }
  const r = dims.length;
  let axis = ctx.attrs.int('axis', 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) ctx.fail(`axis ${ctx.attrs.int('axis', 1)} is out of range for rank ${r}`);
  const outer = sizeOf(dims.slice(0, axis));
  const inner = sizeOf(dims.slice(axis + 1));
  const axisDim = dims[axis];
  if (block > 0) {
    const want = dims.map((d, i) => (i === axis ? Math.ceil(d / block) : d));
    if (scale.dims.join() !== want.join()) {
      ctx.fail(`blocked scale shape [${scale.dims.join(', ')}] should be [${want.join(', ')}] for block_size ${block}`);
    }
    return { perTensor: false, outer, axisDim, inner, block };
  }
  if (block < 0) ctx.fail(`block_size must be ≥ 0, got ${block}`);
  if (scale.dims.length !== 1 || scale.dims[0] !== axisDim) {
    ctx.fail(`per-axis scale has shape [${scale.dims.join(', ')}], expected [${axisDim}] (axis ${axis})`);
  }
  return { perTensor: false, outer, axisDim, inner, block: 0 };
}
