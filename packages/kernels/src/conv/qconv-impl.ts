import { selectDwconvKernels } from '../configs/gemm-config.js';
import type { KernelContext } from '../gemm/kernel-context.js';
import { PARALLEL_MIN_MACS } from '../gemm/kernel-context.js';
import type { QOutputType } from '../gemm/gemm.js';
import { PARAMS_BYTES, outputRange, writeParams } from '../gemm/gemm-params.js';
import { GemmColumns, KernelArgumentError, copyOut, elementSize } from '../gemm/qgemm-impl.js';
import type { QConv, QConvOptions, QConvRunArgs } from './conv.js';
import { ThreadScratch } from './thread-scratch.js';
import { chunkCount, KeyedPlan, runPlan, type ChunkPlan } from '../threads/split.js';
import { splitRange } from '../elementwise/host.js';

// Word offsets of the row-range kernel's descriptor (assembly/conv/qu8-conv-rows.ts).
const [D_X, D_Y, D_C, D_H, D_W, D_KH, D_KW, D_SH, D_SW, D_DH, D_DW, D_PT, D_PL, D_OH, D_OW, D_M, D_GROUPS, D_GROUPS_PTR, D_MODE, D_INNER, D_CHUNK, D_PAD, D_XOR, D_ZA, D_OUT, D_PACK_OFF, D_ROWTERM_OFF, D_WORDS] =
  Array.from({ length: 28 }, (_, i) => i);
const OUT_CODES = { u8: 0, s8: 1, f32: 2, i32: 3 } as const;
/** Packed-A bytes per chunk of rows (im2col → pack → GEMM stay in L2). */
const CHUNK_BYTES = 128 * 1024;
const MAX_CHUNK_ROWS = 1024;
/** A dynamic-split chunk of a convolution has at least this many multiply-adds (its fixed cost is ~1 µs). */
const MIN_CHUNK_MACS = 1 << 17;
const align16 = (n: number) => (n + 15) & ~15;

function posInt(what: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new KernelArgumentError(`conv ${what} must be an integer ≥ ${min}, got ${v}`);
}

function slice(v: number | ArrayLike<number> | undefined, from: number, to: number, what: string, total: number) {
  if (v === undefined || typeof v === 'number') return v;
  if (v.length !== total) throw new KernelArgumentError(`conv ${what}: expected 1 or ${total} values, got ${v.length}`);
  return Array.prototype.slice.call(v, from, to) as number[];
}

export class QConvImpl implements QConv {
  readonly outputShape: readonly [number, number, number];
  readonly output: QOutputType;
  readonly method: 'gemm-1x1' | 'im2col-gemm' | 'depthwise';
  private readonly oH: number;
  private readonly oW: number;
  // strides, dilations and top/left pads with their defaults, resolved once (a run allocates nothing)
  private readonly window: readonly [sH: number, sW: number, dH: number, dW: number, pT: number, pL: number];
  private readonly groups: GemmColumns[] = [];
  // row-range path (1×1 and im2col): descriptor, per-group table, shared per-thread scratch
  private desc = 0;
  private groupTable = 0;
  private chunk = 0;
  private rowsSymbol = '';
  private scratch: ThreadScratch | null = null;
  // the last run's dynamic split, reused while the call repeats (no chunk list per run)
  private readonly split = new KeyedPlan<ChunkPlan>();
  // depthwise state
  private dw: { w: number; bias: number; biasF32: number; scale: number; params: number; scratch: number[]; scratchBytes: number } | null = null;
  private za: number;
  private disposed = false;

  constructor(
    private readonly ctx: KernelContext,
    private readonly o: QConvOptions,
  ) {
    const { C, H, W, M } = o;
    posInt('C', C);
    posInt('H', H);
    posInt('W', W);
    posInt('M', M);
    const [kH, kW] = o.kernelShape;
    posInt('kernel height', kH);
    posInt('kernel width', kW);
    const g = o.group ?? 1;
    posInt('group', g);
    if (C % g || M % g) throw new KernelArgumentError(`conv group ${g} must divide C = ${C} and M = ${M}`);
    const [sH, sW] = o.strides ?? [1, 1];
    const [dH, dW] = o.dilations ?? [1, 1];
    const [pT, pL, pB, pR] = o.pads ?? [0, 0, 0, 0];
    posInt('stride', sH);
    posInt('stride', sW);
    posInt('dilation', dH);
    posInt('dilation', dW);
    for (const p of [pT, pL, pB, pR]) posInt('pad', p, 0);
    this.window = [sH, sW, dH, dW, pT, pL];
    const Cg = C / g;
    const Mg = M / g;
    const K = Cg * kH * kW;
    if (o.weights.length !== M * K) throw new KernelArgumentError(`conv weights: expected M·C/group·kH·kW = ${M * K} values, got ${o.weights.length}`);
    if (o.biasF32 && o.output !== 'f32') throw new KernelArgumentError('conv: biasF32 needs the f32 output');
    if (o.biasF32 && o.biasF32.length !== o.M) throw new KernelArgumentError(`conv biasF32: expected ${o.M} values, got ${o.biasF32.length}`);
    this.oH = Math.floor((H + pT + pB - ((kH - 1) * dH + 1)) / sH) + 1;
    this.oW = Math.floor((W + pL + pR - ((kW - 1) * dW + 1)) / sW) + 1;
    if (this.oH < 1 || this.oW < 1) throw new KernelArgumentError(`conv output would be empty (${this.oH}×${this.oW})`);
    this.outputShape = [M, this.oH, this.oW];
    this.output = o.output;
    this.za = o.activationZeroPoint;
    if (o.bias && o.bias.length !== M) throw new KernelArgumentError(`conv bias: expected ${M} int32 values, got ${o.bias.length}`);

    if (g === C && M === C) {
      this.method = 'depthwise';
      this.prepareDepthwise();
      return;
    }
    this.method = kH === 1 && kW === 1 && sH === 1 && sW === 1 && pT + pL + pB + pR === 0 ? 'gemm-1x1' : 'im2col-gemm';
    const path = ctx.gemmConfig.large;
    for (let gi = 0; gi < g; gi++) {
      const m0 = gi * Mg;
      const m1 = m0 + Mg;
      this.groups.push(
        new GemmColumns(
          ctx, K, Mg, o.weights.subarray(m0 * K, m1 * K), o.weights instanceof Int8Array, 1, K,
          slice(o.weightZeroPoint, m0, m1, 'weight zero points', M)!, o.activationSigned, o.activationZeroPoint,
          {
            output: o.output,
            scale: slice(o.scale, m0, m1, 'scale', M),
            outputZeroPoint: o.outputZeroPoint,
            outputMin: o.outputMin,
            outputMax: o.outputMax,
            bias: o.bias?.subarray(m0, m1),
            biasF32: o.biasF32?.subarray(m0, m1),
          },
          [path],
        ),
      );
    }
    this.prepareRows(K, Mg);
  }

  /** Descriptor and scratch of the row-range kernel; sized by the shape alone, so no run grows the memory. */
  private prepareRows(K: number, Mg: number): void {
    const { ctx, o } = this;
    const heap = ctx.heap;
    const path = ctx.gemmConfig.large;
    const rowsSymbol = `qu8_conv_rows__${path.mr}x8c${path.kc}`;
    if (typeof ctx.exports[rowsSymbol] !== 'function') throw new KernelArgumentError(`the loaded kernels lack ${rowsSymbol} (rebuild @octet/kernels)`);
    this.rowsSymbol = rowsSymbol;
    const kGroups = Math.ceil(K / path.kc);
    // rows per chunk: packed A of about CHUNK_BYTES (a block the GEMM keeps in L2), whole tiles
    this.chunk = Math.min(MAX_CHUNK_ROWS, Math.max(1, Math.floor(CHUNK_BYTES / (kGroups * 4 * path.mr))) * path.mr);
    const tiles = Math.ceil(this.chunk / path.mr);
    const colBytes = this.method === 'im2col-gemm' ? align16(this.chunk * K) : 0;
    const packBytes = align16(tiles * kGroups * path.mr * 4);
    const rowTermBytes = tiles * path.mr * 4;
    const threads = ctx.pool?.size ?? 1;
    this.scratch = ThreadScratch.acquire(heap, threads, colBytes + packBytes + rowTermBytes);
    const g = this.groups.length;
    this.groupTable = heap.alloc(g * 16);
    for (let gi = 0; gi < g; gi++) {
      const cols = this.groups[gi];
      const p = cols.packedFor(path);
      heap.i32.set([p.b, p.colsum, cols.zb, cols.params], (this.groupTable >> 2) + gi * 4);
    }
    const [kH, kW] = o.kernelShape;
    const [sH, sW, dH, dW, pT, pL] = this.window;
    const words = new Int32Array(D_WORDS);
    words[D_C] = o.C;
    words[D_H] = o.H;
    words[D_W] = o.W;
    words[D_KH] = kH;
    words[D_KW] = kW;
    words[D_SH] = sH;
    words[D_SW] = sW;
    words[D_DH] = dH;
    words[D_DW] = dW;
    words[D_PT] = pT;
    words[D_PL] = pL;
    words[D_OH] = this.oH;
    words[D_OW] = this.oW;
    words[D_M] = o.M;
    words[D_GROUPS] = g;
    words[D_GROUPS_PTR] = this.groupTable;
    words[D_XOR] = o.activationSigned ? 0x80 : 0;
    words[D_OUT] = OUT_CODES[o.output];
    words[D_PACK_OFF] = colBytes;
    words[D_ROWTERM_OFF] = colBytes + packBytes;
    this.desc = heap.alloc(D_WORDS * 4);
    heap.i32.set(words, this.desc >> 2);
  }

  private prepareDepthwise(): void {
    const { ctx, o } = this;
    const heap = ctx.heap;
    const { C } = o;
    const [kH, kW] = o.kernelShape;
    const taps = kH * kW;
    const signedW = o.weights instanceof Int8Array;
    const zw = o.weightZeroPoint;
    if (typeof zw !== 'number' && zw.length !== C) throw new KernelArgumentError(`conv weight zero points: expected 1 or ${C} values, got ${zw.length}`);
    const w = heap.alloc(C * taps * 2);
    const wz = new Int16Array(C * taps);
    for (let c = 0; c < C; c++) {
      const z = typeof zw === 'number' ? zw : zw[c];
      if (!Number.isInteger(z) || z < (signedW ? -128 : 0) || z > (signedW ? 127 : 255)) {
        throw new KernelArgumentError(`conv weight zero point [${c}] out of range: ${z}`);
      }
      for (let t = 0; t < taps; t++) wz[c * taps + t] = o.weights[c * taps + t] - z;
    }
    heap.i16.set(wz, w >> 1);
    const scale = heap.alloc(C * 4);
    const sc = o.scale ?? 1;
    for (let c = 0; c < C; c++) {
      const s = typeof sc === 'number' ? sc : sc[c];
      if (typeof sc !== 'number' && sc.length !== C) throw new KernelArgumentError(`conv scale: expected 1 or ${C} values, got ${sc.length}`);
      if (o.output !== 'i32' && !(s > 0 && Number.isFinite(s))) throw new KernelArgumentError(`conv scale [${c}] must be finite and > 0, got ${s}`);
      heap.f32[(scale >> 2) + c] = s;
    }
    let bias = 0;
    if (o.bias) bias = heap.put(o.bias);
    const [tmin, tmax] = outputRange(o.output);
    const zy = o.outputZeroPoint ?? 0;
    const qmin = o.outputMin ?? tmin;
    const qmax = o.outputMax ?? tmax;
    if ((o.output === 'u8' || o.output === 's8') && !(zy >= tmin && zy <= tmax && qmin >= tmin && qmax <= tmax && qmin <= qmax)) {
      throw new KernelArgumentError(`conv output zero point / range out of the ${o.output} range`);
    }
    const biasF32 = o.biasF32 ? heap.put(o.biasF32) : 0;
    const params = heap.alloc(PARAMS_BYTES);
    writeParams(heap, params, { za: 0, biasI32: 0, scale: 0, zy, qmin, qmax, biasF32 });
    const [sH, sW, dH, dW] = this.window;
    const Hp = (this.oH - 1) * sH + (kH - 1) * dH + 1;
    const Wp = (this.oW - 1) * sW + (kW - 1) * dW + 1 + 16;
    const scratchBytes = 2 * Hp * Wp;
    const threads = ctx.pool?.size ?? 1;
    // whole cache lines per thread: neighbouring small planes would share (and ping-pong) a line
    const scratch = Array.from({ length: threads }, () => heap.alloc((scratchBytes + 63) & ~63, 64));
    this.dw = { w, bias, biasF32, scale, params, scratch, scratchBytes };
    this.checkZa(this.za);
  }

  /** One scale for every output channel, written in place (a run allocates nothing). */
  private setScale(s: number): void {
    if (this.output !== 'i32' && !(s > 0 && Number.isFinite(s))) throw new KernelArgumentError(`conv scale must be finite and > 0, got ${s}`);
    if (this.dw) this.ctx.heap.f32.fill(s, this.dw.scale >> 2, (this.dw.scale >> 2) + this.o.C);
    for (const g of this.groups) g.setScale(s);
  }

  private checkZa(za: number): void {
    const s = this.o.activationSigned;
    if (!Number.isInteger(za) || za < (s ? -128 : 0) || za > (s ? 127 : 255)) {
      throw new KernelArgumentError(`conv activation zero point must be an integer in the ${s ? 's8' : 'u8'} range, got ${za}`);
    }
  }

  run(r: QConvRunArgs): void {
    if (this.disposed) throw new Error('QConv used after dispose()');
    posInt('batch N', r.N);
    if (r.activationZeroPoint !== undefined) {
      this.checkZa(r.activationZeroPoint);
      this.za = r.activationZeroPoint;
      for (const g of this.groups) g.setActivationZeroPoint(this.za);
    }
    if (r.scale !== undefined) this.setScale(r.scale);
    const { C, H, W, M } = this.o;
    const [kH, kW] = this.o.kernelShape;
    const [sH, sW, dH, dW, pT, pL] = this.window;
    const { oH, oW } = this;
    const oHW = oH * oW;
    const signed = this.o.activationSigned;
    const ex = this.ctx.exports;

    if (this.dw) {
      const dw = this.dw;
      const zx = signed ? this.za + 128 : this.za;
      const pool = this.ctx.pool;
      const work = r.N * C * oHW * kH * kW;
      const T = pool && work >= PARALLEL_MIN_MACS ? pool.size : 1;
      const chunks = chunkCount(r.N >= T ? r.N : C, T, work, MIN_CHUNK_MACS);
      if (chunks === 1) {
        ex.qu8s8_dwconv_images(OUT_CODES[this.output], 0, r.N, C, r.x, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, signed ? 0x80 : 0, dw.w, dw.bias, dw.scale, dw.params, dw.scratch[0], r.y);
        return;
      }
      const plan = this.split.begin().key(r.N).key(r.x).key(r.y).key(zx).key(chunks).get() ?? this.split.set(this.depthwiseSplit(r, zx, chunks, T));
      runPlan(pool!, plan);
      return;
    }

    // image-major rows (n, pixel), or for a 1×1 plane smaller than the batch position-major
    // rows (pixel, n): a GEMM of N rows per pixel instead of N GEMMs of a few rows
    const byPosition = this.method === 'gemm-1x1' && oHW < r.N;
    const inner = byPosition ? r.N : oHW;
    const rows = r.N * oHW;
    const d = this.desc >> 2;
    const i32 = this.ctx.heap.i32;
    i32[d + D_X] = r.x;
    i32[d + D_Y] = r.y;
    i32[d + D_MODE] = this.method === 'im2col-gemm' ? 0 : byPosition ? 2 : 1;
    i32[d + D_INNER] = inner;
    i32[d + D_CHUNK] = Math.min(this.chunk, inner);
    i32[d + D_PAD] = this.za & 0xff;
    i32[d + D_ZA] = this.groups[0].za;
    const pool = this.ctx.pool;
    const path = this.ctx.gemmConfig.large;
    const macs = rows * M * (C / this.groups.length) * kH * kW;
    const T = pool && macs >= PARALLEL_MIN_MACS && rows >= 2 * path.mr ? pool.size : 1;
    const scratch = this.scratch!.ptrs;
    const chunks = chunkCount(Math.floor(rows / path.mr), T, macs, MIN_CHUNK_MACS);
    if (chunks === 1) {
      ex[this.rowsSymbol](this.desc, 0, rows, scratch[0]);
      return;
    }
    const split = this.split.begin().key(rows).key(inner).key(chunks);
    for (let t = 0; t < scratch.length; t++) split.key(scratch[t]);
    runPlan(pool!, split.get() ?? split.set(this.rowSplit(rows, inner, chunks, scratch)));
  }

  /**
   * Depthwise chunks: whole images per chunk for a batch of at least T images, else channel ranges
   * of every image (rounded down: N · perImage stays within the chunk count, hence MAX_CHUNKS).
   */
  private depthwiseSplit(r: QConvRunArgs, zx: number, chunks: number, T: number): ChunkPlan {
    const dw = this.dw!;
    const { C, H, W, M } = this.o;
    const [kH, kW] = this.o.kernelShape;
    const [sH, sW, dH, dW, pT, pL] = this.window;
    const geometry = [H, W, kH, kW, sH, sW, dH, dW, pT, pL, this.oH, this.oW, zx, this.o.activationSigned ? 0x80 : 0, dw.w, dw.bias, dw.scale, dw.params];
    if (r.N >= T) {
      const chunkArgs = splitRange(r.N, chunks, 1).map(([n0, n1]) => [OUT_CODES[this.output], n0, n1, C, r.x, ...geometry, 0, r.y]);
      return { symbol: 'qu8s8_dwconv_images', chunks: chunkArgs, options: { threadArg: 23, threadValues: dw.scratch } };
    }
    const perImage = Math.max(1, Math.floor(chunks / r.N));
    const oHW = this.oH * this.oW;
    const es = elementSize(this.output);
    const chunkArgs = [];
    for (let n = 0; n < r.N; n++) {
      const x = r.x + n * C * H * W;
      const y = r.y + n * M * oHW * es;
      for (const [c0, c1] of splitRange(C, perImage, 1)) chunkArgs.push([c0, c1, x, ...geometry, 0, y]);
    }
    return { symbol: selectDwconvKernels()[this.output].symbol, chunks: chunkArgs, options: { threadArg: 21, threadValues: dw.scratch } };
  }

  /**
   * Row ranges of a dynamic split: whole outer blocks (images, or pixels for position-major rows)
   * per chunk when there are enough of them, else whole GEMM tiles. (Position-major chunks of
   * whole pixels have two threads writing bytes of the same output lines; cutting each pixel's
   * images by thread instead measured no faster on 4×4 and 2×2 planes.)
   */
  private rowSplit(rows: number, inner: number, chunks: number, scratch: readonly number[]): ChunkPlan {
    const outer = rows / inner;
    const ranges = outer >= chunks ? splitRange(outer, chunks, 1).map(([a, b]) => [a * inner, b * inner]) : splitRange(rows, chunks, this.ctx.gemmConfig.large.mr);
    return { symbol: this.rowsSymbol, chunks: ranges.map(([r0, r1]) => [this.desc, r0, r1, 0]), options: { threadArg: 3, threadValues: [...scratch] } };
  }

  reserve(): void {
    if (this.disposed) throw new Error('QConv used after dispose()');
  }

  runArrays(N: number, x: Uint8Array | Int8Array): Uint8Array | Int8Array | Float32Array | Int32Array {
    const { C, H, W, M } = this.o;
    if (x.length !== N * C * H * W) throw new KernelArgumentError(`conv X: expected N·C·H·W = ${N * C * H * W} values, got ${x.length}`);
    const heap = this.ctx.heap;
    const px = heap.put(x);
    const count = N * M * this.oH * this.oW;
    const py = heap.alloc(count * elementSize(this.output));
    try {
      this.run({ N, x: px, y: py });
      return copyOut(heap.u8, py, count, this.output);
    } finally {
      heap.free(px);
      heap.free(py);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const heap = this.ctx.heap;
    for (const g of this.groups) g.dispose();
    heap.free(this.desc);
    heap.free(this.groupTable);
    this.scratch?.release();
    if (this.dw) {
      heap.free(this.dw.w);
      heap.free(this.dw.bias);
      heap.free(this.dw.biasF32);
      heap.free(this.dw.scale);
      heap.free(this.dw.params);
      for (const s of this.dw.scratch) heap.free(s);
    }
  }
}
