// Pooling over the WASM kernels (NCHW, 2-D; 1-D pools are H = 1): MaxPool (u8, s8, f32),
// AveragePool (f32), QLinearAveragePool, GlobalAveragePool (f32), QLinearGlobalAveragePool.
// `…Into` functions take pointers into WASM memory; the others copy arrays in and out.
import { check, checkDims, f32Out, kernelFn, scoped, splitRange, type KernelHost } from '../elementwise/host.js';
import type { QPoolParams } from '../reference/pool.js';
import { chunkCount, KeyedPlan, runPlan, type ChunkPlan } from '../threads/split.js';

export type { QPoolParams } from '../reference/pool.js';

export interface Pool2dOptions {
  readonly kernel: readonly [number, number];
  readonly strides?: readonly [number, number];
  /** [top, left, bottom, right] */
  readonly pads?: readonly [number, number, number, number];
  readonly dilations?: readonly [number, number];
  readonly ceilMode?: boolean;
}

export interface Pool2dGeometry {
  readonly nc: number;
  readonly h: number;
  readonly w: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
  readonly dh: number;
  readonly dw: number;
}

/** Output size as ONNX / ORT compute it (ceil mode drops a window that would start in the end pad). */
export function poolOutputSize(inSize: number, k: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceilMode: boolean): number {
  const span = dilation * (k - 1) + 1;
  const num = inSize + padBegin + padEnd - span;
  let out = (ceilMode ? Math.ceil(num / stride) : Math.floor(num / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padBegin) out--;
  return out;
}

export function poolGeometry(shape: readonly number[], o: Pool2dOptions): Pool2dGeometry {
  check(shape.length === 4, `pool: input must be [N, C, H, W], got [${shape.join(', ')}]`);
  checkDims('pool input', shape);
  const [n, c, h, w] = shape;
  const [kh, kw] = o.kernel;
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const [dh, dw] = o.dilations ?? [1, 1];
  for (const [what, v] of [['kernel', kh], ['kernel', kw], ['stride', sh], ['stride', sw], ['dilation', dh], ['dilation', dw]] as const) {
    check(Number.isInteger(v) && v >= 1, `pool: ${what} must be a positive integer, got ${v}`);
  }
  for (const p of [pt, pl, pb, pr]) check(Number.isInteger(p) && p >= 0, `pool: pads must be non-negative integers, got ${p}`);
  const oh = poolOutputSize(h, kh, sh, pt, pb, dh, o.ceilMode ?? false);
  const ow = poolOutputSize(w, kw, sw, pl, pr, dw, o.ceilMode ?? false);
  check(oh >= 1 && ow >= 1, `pool: empty output (${oh} × ${ow}) for input ${h} × ${w}`);
  return { nc: n * c, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw };
}

const DTYPE = { f32: 1, u8: 2, s8: 3 } as const;
export type PoolType = keyof typeof DTYPE;

export function maxPool2dInto(k: KernelHost, type: PoolType, x: number, y: number, g: Pool2dGeometry): void {
  kernelFn(k, 'x8_maxpool2d_wasmsimd')(DTYPE[type], x, y, g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw);
}

export function averagePool2dInto(k: KernelHost, x: number, y: number, g: Pool2dGeometry, countIncludePad: boolean): void {
  check(g.dh === 1 && g.dw === 1, 'averagePool2d: dilations are not supported');
  kernelFn(k, 'f32_avgpool2d_scalar')(x, y, g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, countIncludePad ? 1 : 0);
}

/** True when ORT would run QLinearAveragePool as a global average pool (kernel = image, no pads). */
export function isGlobalPool(g: Pool2dGeometry, pads: readonly number[]): boolean {
  return g.kh === g.h && g.kw === g.w && pads.every((p) => p === 0);
}

/** QLinearAveragePool; `lut` is 1 KiB of scratch. Falls back to the global kernel as ORT does. */
export function qlinearAveragePool2dInto(
  k: KernelHost, x: number, y: number, g: Pool2dGeometry, pads: readonly number[], countIncludePad: boolean, p: QPoolParams, lut: number,
): void {
  check(g.dh === 1 && g.dw === 1, 'qlinearAveragePool2d: dilations are not supported');
  if (isGlobalPool(g, pads)) {
    qlinearGlobalAveragePoolInto(k, x, y, g.nc, g.h * g.w, p);
    return;
  }
  kernelFn(k, 'q8_avgpool2d_scalar')(p.signed ? 1 : 0, x, y, g.nc, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl,
    countIncludePad ? 1 : 0, p.xScale, p.xZeroPoint, p.yScale, p.yZeroPoint, lut);
}

/** Global pools are a load and an add per element: a round trip pays off only on large inputs. */
const GLOBAL_POOL_MIN_ELEMENTS = 1 << 18;
/** Elements of one chunk of a threaded global pool (chunks beyond 2 per thread absorb a late worker). */
const GLOBAL_POOL_MIN_CHUNK = 1 << 16;

/** Chunks of a global pool over `units` units of `elements` elements in all (1: the calling thread). */
function globalPoolChunks(k: KernelHost, units: number, elements: number): number {
  const pool = k.pool;
  return pool && elements >= GLOBAL_POOL_MIN_ELEMENTS ? chunkCount(units, pool.size, elements, GLOBAL_POOL_MIN_CHUNK) : 1;
}

/** `split`: the call site's cached thread split (a steady-state call then allocates nothing). */
export function globalAveragePoolInto(k: KernelHost, x: number, y: number, nc: number, hw: number, split = new KeyedPlan<ChunkPlan>()): void {
  const fn = kernelFn(k, 'f32_global_avgpool_wasmsimd');
  const chunks = globalPoolChunks(k, nc, nc * hw);
  if (chunks < 2) {
    fn(x, y, nc, hw);
    return;
  }
  runPlan(k.pool!, split.begin().key(x).key(y).key(nc).key(hw).key(chunks).get() ?? split.set({
    symbol: 'f32_global_avgpool_wasmsimd',
    chunks: splitRange(nc, chunks, 1).map(([c0, c1]) => [x + c0 * hw * 4, y + c0 * 4, c1 - c0, hw]),
    options: {},
  }));
}

/**
 * QLinearGlobalAveragePool. NCHW: x is [nc, hw]. channelsLast: x is [n, hw, c] and nc = n·c.
 * Rejects what ORT rejects (hw ≥ 2^24, x_scale / (y_scale·hw) outside [2^-32, 256)).
 */
export function qlinearGlobalAveragePoolInto(
  k: KernelHost, x: number, y: number, nc: number, hw: number, p: QPoolParams, channelsLast = false, c = nc, split = new KeyedPlan<ChunkPlan>(),
): void {
  check(hw < 0x1000000, `QLinearGlobalAveragePool: image size ${hw} too large`);
  const scale = Math.fround(Math.fround(p.xScale) / Math.fround(Math.fround(p.yScale) * hw));
  check(scale >= 2 ** -32 && scale < 256, `QLinearGlobalAveragePool: x_scale / (y_scale · ${hw}) = ${scale} is out of range`);
  const fn = kernelFn(k, 'q8_global_avgpool_wasmsimd');
  // whole images (channelsLast) or channel rows (NCHW) per chunk
  const units = channelsLast ? nc / c : nc;
  const unit = channelsLast ? c : 1;
  const chunks = globalPoolChunks(k, units, nc * hw);
  const signed = p.signed ? 1 : 0;
  const cl = channelsLast ? 1 : 0;
  if (chunks < 2) {
    fn(signed, x, y, nc, hw, cl, c, p.xScale, p.xZeroPoint, p.yScale, p.yZeroPoint);
    return;
  }
  split.begin().key(signed).key(x).key(y).key(nc).key(hw).key(cl).key(c).key(chunks);
  split.key(p.xScale).key(p.xZeroPoint).key(p.yScale).key(p.yZeroPoint);
  runPlan(k.pool!, split.get() ?? split.set({
    symbol: 'q8_global_avgpool_wasmsimd',
    chunks: splitRange(units, chunks, 1).map(([u0, u1]) => [signed, x + u0 * unit * hw, y + u0 * unit, (u1 - u0) * unit, hw, cl, c, p.xScale, p.xZeroPoint, p.yScale, p.yZeroPoint]),
    // xScale and yScale (arguments 7 and 9) cross as f32
    options: { f32Mask: (1 << 7) | (1 << 9) },
  }));
}

type PoolArray = Float32Array | Uint8Array | Int8Array;

function typeOf(x: PoolArray): PoolType {
  return x instanceof Float32Array ? 'f32' : x instanceof Int8Array ? 's8' : 'u8';
}

function readOut<T extends PoolArray>(k: KernelHost, like: T, ptr: number, n: number): T {
  if (like instanceof Float32Array) return f32Out(k, ptr, n) as T;
  const bytes = k.heap.u8.slice(ptr, ptr + n);
  return (like instanceof Int8Array ? new Int8Array(bytes.buffer) : bytes) as T;
}

export function maxPool2d<T extends PoolArray>(k: KernelHost, x: T, shape: readonly number[], o: Pool2dOptions): { data: T; shape: number[] } {
  const g = poolGeometry(shape, o);
  check(x.length === g.nc * g.h * g.w, `maxPool2d: x has ${x.length} elements, shape [${shape.join(', ')}]`);
  const es = x.BYTES_PER_ELEMENT;
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const yp = k.heap.alloc(g.nc * g.oh * g.ow * es);
    maxPool2dInto(k, typeOf(x), xp, yp, g);
    return { data: readOut(k, x, yp, g.nc * g.oh * g.ow), shape: [shape[0], shape[1], g.oh, g.ow] };
  });
}

export function averagePool2d(k: KernelHost, x: Float32Array, shape: readonly number[], o: Pool2dOptions, countIncludePad = false): { data: Float32Array; shape: number[] } {
  const g = poolGeometry(shape, o);
  check(x.length === g.nc * g.h * g.w, `averagePool2d: x has ${x.length} elements, shape [${shape.join(', ')}]`);
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const yp = k.heap.alloc(g.nc * g.oh * g.ow * 4);
    averagePool2dInto(k, xp, yp, g, countIncludePad);
    return { data: f32Out(k, yp, g.nc * g.oh * g.ow), shape: [shape[0], shape[1], g.oh, g.ow] };
  });
}

export function qlinearAveragePool2d<T extends Uint8Array | Int8Array>(
  k: KernelHost, x: T, shape: readonly number[], o: Pool2dOptions, countIncludePad: boolean, p: QPoolParams,
): { data: T; shape: number[] } {
  const g = poolGeometry(shape, o);
  check(x.length === g.nc * g.h * g.w, `qlinearAveragePool2d: x has ${x.length} elements, shape [${shape.join(', ')}]`);
  check(x instanceof Int8Array === p.signed, 'qlinearAveragePool2d: x must be Int8Array exactly when params.signed');
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const yp = k.heap.alloc(g.nc * g.oh * g.ow);
    const lut = k.heap.alloc(1024);
    qlinearAveragePool2dInto(k, xp, yp, g, o.pads ?? [0, 0, 0, 0], countIncludePad, p, lut);
    return { data: readOut(k, x, yp, g.nc * g.oh * g.ow), shape: [shape[0], shape[1], g.oh, g.ow] };
  });
}

export function globalAveragePool(k: KernelHost, x: Float32Array, shape: readonly number[]): { data: Float32Array; shape: number[] } {
  check(shape.length >= 3, `globalAveragePool: input must be [N, C, ...], got [${shape.join(', ')}]`);
  const nc = shape[0] * shape[1];
  const hw = shape.slice(2).reduce((q, d) => q * d, 1);
  check(x.length === nc * hw, `globalAveragePool: x has ${x.length} elements, shape [${shape.join(', ')}]`);
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const yp = k.heap.alloc(nc * 4);
    globalAveragePoolInto(k, xp, yp, nc, hw);
    return { data: f32Out(k, yp, nc), shape: [shape[0], shape[1], ...shape.slice(2).map(() => 1)] };
  });
}

/** shape is [N, C, ...spatial] (or [N, ...spatial, C] with channelsLast). */
export function qlinearGlobalAveragePool<T extends Uint8Array | Int8Array>(
  k: KernelHost, x: T, shape: readonly number[], p: QPoolParams, channelsLast = false,
): { data: T; shape: number[] } {
  check(shape.length >= 3, `qlinearGlobalAveragePool: input rank must be ≥ 3, got [${shape.join(', ')}]`);
  const n = shape[0];
  const c = channelsLast ? shape[shape.length - 1] : shape[1];
  const spatial = channelsLast ? shape.slice(1, -1) : shape.slice(2);
  const hw = spatial.reduce((q, d) => q * d, 1);
  check(x.length === n * c * hw, `qlinearGlobalAveragePool: x has ${x.length} elements, shape [${shape.join(', ')}]`);
  check(x instanceof Int8Array === p.signed, 'qlinearGlobalAveragePool: x must be Int8Array exactly when params.signed');
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const yp = k.heap.alloc(Math.max(n * c, 1));
    qlinearGlobalAveragePoolInto(k, xp, yp, n * c, hw, p, channelsLast, c);
    const ones = spatial.map(() => 1);
    return { data: readOut(k, x, yp, n * c), shape: channelsLast ? [n, ...ones, c] : [n, c, ...ones] };
  });
}
