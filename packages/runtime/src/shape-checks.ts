// Checks ops call while preparing shapes, so hostile attribute or shape-input values (zero or
// negative strides, kernels of the wrong rank, float/NaN/huge shape tensors, mismatched list
// lengths) end in an InvalidAttributeError naming the node, the op and the attribute — instead
// of NaN, negative or fractional dims reaching the planner. Each op calls these in one line.
import { OpError } from './errors.js';
import { ResourceLimitError, tensorElementLimit } from './limits.js';
import type { OpContext } from './op-registry.js';

/** An attribute (or a shape input such as Slice's `starts`) holds values the op cannot use. */
export class InvalidAttributeError extends OpError {
  override name = 'InvalidAttributeError';
  constructor(
    readonly nodeName: string,
    readonly opType: string,
    /** The attribute or input name ('strides', 'starts', …). */
    readonly attribute: string,
    reason: string,
  ) {
    super(`node '${nodeName}' (${opType}): ${reason}`);
  }
}

const show = (v: readonly number[]) => `[${v.slice(0, 8).join(', ')}${v.length > 8 ? ', …' : ''}]`;

function refuse(ctx: OpContext, name: string, values: readonly number[] | undefined, requirement: string): never {
  const kind = name.split('/').some((n) => ctx.node.attributes.has(n)) ? 'attribute' : 'input';
  throw new InvalidAttributeError(ctx.node.name, ctx.node.opType, name, `${kind} '${name}'${values ? ` ${show(values)}` : ''} ${requirement}`);
}

/**
 * Every list holds integers (any magnitude: INT64_MAX is a common "to the end" in Slice), and,
 * with `length`, exactly that many; with `min`, none below it.
 */
export function requireIntegers(ctx: OpContext, lists: Readonly<Record<string, readonly number[]>>, opts: { length?: number; min?: number } = {}): void {
  for (const [name, values] of Object.entries(lists)) {
    if (opts.length !== undefined && values.length !== opts.length) refuse(ctx, name, values, `has ${values.length} values, expected ${opts.length}`);
    if (!values.every((v) => Number.isInteger(v))) refuse(ctx, name, values, 'must hold integers');
    if (opts.min !== undefined && values.some((v) => v < opts.min!)) refuse(ctx, name, values, `must hold integers ≥ ${opts.min}`);
  }
}

/** A scalar that must equal what the graph implies (Split's num_outputs: its output count). */
export function requireEqual(ctx: OpContext, name: string, value: number, expected: number, why: string): void {
  if (value !== expected) refuse(ctx, name, [value], `must be ${expected} (${why})`);
}

// Convolution / pooling window attributes: smallest value and length in spatial axes (0: one value).
const WINDOW: Record<string, { min: number; axes: number }> = {
  group: { min: 1, axes: 0 },
  kernel_shape: { min: 1, axes: 1 },
  strides: { min: 1, axes: 1 },
  dilations: { min: 1, axes: 1 },
  pads: { min: 0, axes: 2 },
  output_padding: { min: 0, axes: 1 },
};

/**
 * Conv / ConvTranspose / pool window attributes for `rank` spatial axes: group, kernel_shape,
 * strides and dilations ≥ 1, pads and output_padding ≥ 0, safe integers, one per axis (pads: two).
 */
export function requireWindow(ctx: OpContext, rank: number, attrs: Partial<Record<keyof typeof WINDOW, readonly number[]>>): void {
  for (const [name, values] of Object.entries(attrs)) {
    if (values === undefined) continue;
    const { min, axes } = WINDOW[name];
    const expected = axes === 0 ? 1 : axes * rank;
    if (values.length !== expected) refuse(ctx, name, values, `has ${values.length} values for ${rank} spatial axes (expected ${expected})`);
    if (!values.every((v) => Number.isSafeInteger(v) && v >= min)) refuse(ctx, name, values, `must hold integers ≥ ${min}`);
  }
}

/** `group` (Conv): a positive integer. */
export function requireGroup(ctx: OpContext, group: number): void {
  requireWindow(ctx, 0, { group: [group] });
}

/**
 * Output dims computed from `from` (attribute or input names, '/'-separated): non-negative safe
 * integers, and within the session's maxTensorElements — checked here, before the op allocates
 * anything of that size while preparing. Returns the dims.
 */
export function requireDims<T extends readonly number[]>(ctx: OpContext, dims: T, from: string, what = 'output'): T {
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    refuse(ctx, from, undefined, `gives ${what} dims ${show(dims)}, which are not non-negative integers`);
  }
  const max = tensorElementLimit(ctx);
  const n = dims.reduce((a, b) => a * b, 1);
  if (max !== undefined && n > max) throw new ResourceLimitError('maxTensorElements', n, max, `node '${ctx.node.name}' (${ctx.node.opType}): ${what} ${show(dims)} from '${from}' elements`);
  return dims;
}

/**
 * A window op's padded input extent and output extent: both within maxTensorElements (a pad of
 * 2^31 would otherwise have the kernels reserve terabytes for im2col or a padded copy).
 */
export function requireWindowExtent(ctx: OpContext, inSpatial: readonly number[], padBegin: readonly number[], padEnd: readonly number[], outSpatial: readonly number[]): void {
  requireDims(ctx, inSpatial.map((d, i) => d + padBegin[i] + padEnd[i]), 'pads', 'padded input');
  requireDims(ctx, outSpatial, 'kernel_shape/strides/dilations/pads');
}

/**
 * Lookup tables an op builds while preparing (Resize: an index and a weight per tap, ~16 bytes
 * each against 4 per float32 element): at most maxTensorElements / 16 entries, so one table
 * costs no more than a quarter of the largest tensor the limits allow (sizes of 2^26 on one axis
 * used to exhaust the heap).
 */
export function requireTableSize(ctx: OpContext, entries: number, from: string): void {
  const max = tensorElementLimit(ctx);
  if (max !== undefined && entries > max / 16) {
    throw new ResourceLimitError('maxTensorElements', entries, Math.floor(max / 16), `node '${ctx.node.name}' (${ctx.node.opType}): lookup table entries from '${from}' (1/16 of maxTensorElements)`);
  }
}
