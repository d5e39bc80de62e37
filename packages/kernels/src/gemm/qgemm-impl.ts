import { mediumMaxMFor, pathForRows, type GemmPath, type StrassenConfig } from '../configs/gemm-config.js';
import type { KernelContext } from './kernel-context.js';
import { PARALLEL_MIN_MACS, PARALLEL_MIN_PACK } from './kernel-context.js';
import type { QGemm, QGemmOptions, QGemmRunArgs, QOutputType, QEpilogue } from './gemm.js';
import { PARAMS_BYTES, outputRange, setZa, writeParams } from './gemm-params.js';
import { packStrassenWeights, runStrassen, strassenActivationBytes, strassenFits, strassenScratch } from './strassen.js';

export class KernelArgumentError extends RangeError {
  override name = 'KernelArgumentError';
}

export function elementSize(t: QOutputType): number {
  return t === 'u8' || t === 's8' ? 1 : 4;
}

function checkInt(what: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new KernelArgumentError(`${what} must be an integer in [${lo}, ${hi}], got ${v}`);
}

/** Packed weights of one GEMM (one group of a convolution) for one kernel path. */
export interface PackedWeights {
  readonly path: GemmPath;
  readonly b: number;
  readonly colsum: number;
}

/**
 * Column-side state shared by the GEMM and the convolution: packed weights per path, zero points,
 * and the epilogue block (scales, biases, output quantization).
 */
export class GemmColumns {
  readonly Np: number;
  readonly zb: number;
  readonly scale: number;
  readonly biasI32: number;
  readonly biasF32: number;
  readonly params: number;
  readonly packed: PackedWeights[] = [];
  private readonly scaleBase: Float32Array;

  constructor(
    private readonly ctx: KernelContext,
    readonly K: number,
    readonly N: number,
    weights: Int8Array | Uint8Array,
    weightsSigned: boolean,
    rs: number,
    cs: number,
    weightZeroPoint: number | ArrayLike<number>,
    readonly activationSigned: boolean,
    activationZeroPoint: number,
    readonly epi: QEpilogue,
    paths: GemmPath[],
  ) {
    const heap = ctx.heap;
    const Np = (this.Np = (N + 7) & ~7);
    const wRange: [number, number] = weightsSigned ? [-128, 127] : [0, 255];
    const zbs = typeof weightZeroPoint === 'number' ? null : weightZeroPoint;
    if (zbs && zbs.length !== N) throw new KernelArgumentError(`weight zero points: expected 1 or ${N} values, got ${zbs.length}`);
    this.zb = heap.alloc(Np * 4);
    for (let n = 0; n < Np; n++) {
      const z = n < N ? (zbs ? zbs[n] : (weightZeroPoint as number)) : 0;
      if (n < N) checkInt(`weight zero point [${n}]`, z, wRange[0], wRange[1]);
      heap.i32[(this.zb >> 2) + n] = n < N ? (weightsSigned ? z : z - 128) : 0;
    }
    const out = epi.output;
    this.scaleBase = new Float32Array(Np);
    this.setScaleArray(this.scaleBase, epi.scale ?? 1, out);
    this.scale = heap.alloc(Np * 4);
    heap.f32.set(this.scaleBase, this.scale >> 2);
    this.biasI32 = 0;
    if (epi.bias) {
      if (epi.bias.length !== N) throw new KernelArgumentError(`bias: expected ${N} int32 values, got ${epi.bias.length}`);
      this.biasI32 = heap.alloc(Np * 4);
      heap.i32.fill(0, this.biasI32 >> 2, (this.biasI32 >> 2) + Np);
      heap.i32.set(epi.bias, this.biasI32 >> 2);
    }
    this.biasF32 = 0;
    if (epi.biasF32) {
      if (out !== 'f32') throw new KernelArgumentError('biasF32 needs the f32 output');
      if (epi.biasF32.length !== N) throw new KernelArgumentError(`biasF32: expected ${N} values, got ${epi.biasF32.length}`);
      this.biasF32 = heap.alloc(Np * 4);
      heap.f32.fill(0, this.biasF32 >> 2, (this.biasF32 >> 2) + Np);
      heap.f32.set(epi.biasF32, this.biasF32 >> 2);
    }
    const [tmin, tmax] = outputRange(out);
    const zy = epi.outputZeroPoint ?? 0;
    const qmin = epi.outputMin ?? tmin;
    const qmax = epi.outputMax ?? tmax;
    if (out === 'u8' || out === 's8') {
      checkInt('output zero point', zy, tmin, tmax);
      checkInt('output min', qmin, tmin, tmax);
      checkInt('output max', qmax, qmin, tmax);
    }
    this.params = heap.alloc(PARAMS_BYTES);
    writeParams(heap, this.params, {
      za: 0,
      biasI32: this.biasI32,
      scale: this.scale,
      zy,
      qmin,
      qmax,
      biasF32: this.biasF32,
    });
    this.setActivationZeroPoint(activationZeroPoint);

    const src = heap.put(weights);
    try {
      for (const path of paths) {
        if (this.packed.some((p) => p.path.packing === path.packing)) continue;
        const esize = path.packing === 'c2i16' ? 2 : 1;
        const Kg = Math.ceil(K / path.kc);
        const b = heap.alloc(Np * Kg * path.kc * esize);
        const colsum = heap.alloc(Np * 4);
        ctx.exports.qs8_gemm_pack_w(src, K, N, rs, cs, weightsSigned ? 0 : 0x80, path.kc, esize, b, colsum);
        this.packed.push({ path, b, colsum });
      }
    } finally {
      heap.free(src);
    }
  }

  /** Activation zero point in the u8 domain the kernels compute in. */
  za = 0;

  setActivationZeroPoint(za: number): void {
    checkInt('activation zero point', za, this.activationSigned ? -128 : 0, this.activationSigned ? 127 : 255);
    this.za = this.activationSigned ? za + 128 : za;
    setZa(this.ctx.heap, this.params, this.za);
  }

  /** Per-run scales (dynamic quantization): the given scale times nothing else. */
  setScale(scale: number | ArrayLike<number>): void {
    if (typeof scale === 'number') {
      // one scale: checked, then written in place (no per-run buffer; the pad columns stay 0)
      const s0 = this.scale >> 2;
      this.setScaleArray(this.ctx.heap.f32.subarray(s0, s0 + this.N), scale, this.epi.output);
      return;
    }
    // checked into a staging array first (a bad value leaves the scales as they were), reused across runs
    const a = (this.scaleStage ??= new Float32Array(this.Np));
    this.setScaleArray(a, scale, this.epi.output);
    this.ctx.heap.f32.set(a, this.scale >> 2);
  }

  private scaleStage: Float32Array | undefined;

  private setScaleArray(dst: Float32Array, scale: number | ArrayLike<number>, out: QOutputType): void {
    if (typeof scale === 'number') {
      if (out !== 'i32' && !(scale > 0 && Number.isFinite(scale))) throw new KernelArgumentError(`scale must be finite and > 0, got ${scale}`);
      dst.fill(scale, 0, this.N);
    } else {
      if (scale.length !== this.N) throw new KernelArgumentError(`scale: expected 1 or ${this.N} values, got ${scale.length}`);
      for (let n = 0; n < this.N; n++) {
        const s = scale[n];
        if (out !== 'i32' && !(s > 0 && Number.isFinite(s))) throw new KernelArgumentError(`scale [${n}] must be finite and > 0, got ${s}`);
        dst[n] = s;
      }
    }
  }

  hasPacking(path: GemmPath): boolean {
    return this.packed.some((x) => x.path.packing === path.packing);
  }

  /**
   * Frees the weights of `path` but keeps its column sums: the Strassen operands replace the plain
   * i16 packing (the sums stay valid for them), and runs below Strassen's rows take the int8 tile.
   */
  dropWeights(path: GemmPath): void {
    const p = this.packedFor(path);
    this.ctx.heap.free(p.b);
    this.packed[this.packed.indexOf(p)] = { path, b: 0, colsum: p.colsum };
  }

  packedFor(path: GemmPath): PackedWeights {
    const p = this.packed.find((x) => x.path.packing === path.packing);
    if (!p) throw new Error('internal: weights not packed for this path');
    return p;
  }

  dispose(): void {
    const heap = this.ctx.heap;
    for (const p of this.packed) {
      heap.free(p.b);
      heap.free(p.colsum);
    }
    this.packed.length = 0;
    heap.free(this.zb);
    heap.free(this.scale);
    heap.free(this.biasI32);
    heap.free(this.biasF32);
    heap.free(this.params);
  }
}

/** Packed activations for one run, reused across runs (grows with M). */
export class PackedActivations {
  ptr = 0;
  rowTerm = 0;
  private bytes = 0;
  private rows = 0;
  /** The 7 Strassen left operands of the latest pack (valid while `strassenReady`). */
  strassenA = 0;
  strassenReady = false;
  private strassenBytes = 0;
  /** What the buffers hold since the latest pack (another GEMM of the same A may reuse it). */
  packed: { a: number; M: number; K: number; rs: number; path: GemmPath; signed: boolean; za: number; scale: number } | null = null;

  constructor(private readonly ctx: KernelContext) {}

  /** The buffers hold no pack a GEMM may reuse (before packing again, or when they are regrown). */
  private forget(): void {
    this.packed = null;
    this.strassenReady = false;
  }

  /** Grows the buffers to hold M rows of depth K packed for `path` (the only place they grow). */
  reserve(path: GemmPath, M: number, K: number): void {
    const mt = Math.ceil(M / path.mr);
    const bytes = mt * Math.ceil(K / path.kc) * path.mr * 4;
    const heap = this.ctx.heap;
    if (bytes > this.bytes || mt * path.mr > this.rows) {
      // regrown buffers hold no pack: a GEMM sharing them (packedA) must not take them as packed
      this.forget();
    }
    if (bytes > this.bytes) {
      heap.free(this.ptr);
      this.ptr = 0;
      this.ptr = heap.alloc(bytes);
      this.bytes = bytes;
    }
    if (mt * path.mr > this.rows) {
      heap.free(this.rowTerm);
      this.rowTerm = 0;
      this.rowTerm = heap.alloc(mt * path.mr * 4);
      this.rows = mt * path.mr;
    }
  }

  pack(path: GemmPath, a: number, M: number, K: number, rs: number, cs: number, signed: boolean, za: number): void {
    const fn = path.kc === 2 ? 'qu8_gemm_pack_a_c2' : 'qu8_gemm_pack_a_c4';
    const xor = signed ? 0x80 : 0;
    this.forget();
    this.packTiles(path, M, K, fn, 0, (m0, rows, dst, rowTerm) => [a + m0 * rs, rows, K, rs, cs, xor, za, path.mr, dst, rowTerm]);
    this.packed = cs === 1 ? { a, M, K, rs, path, signed, za, scale: NaN } : null;
  }

  /** f32 A quantized to u8 (QuantizeLinear numerics) as it is packed; rs in elements. */
  quantizePack(path: GemmPath, a: number, M: number, K: number, rs: number, scale: number, zp: number): void {
    this.forget();
    // argument 4 (the scale) crosses to the workers as f32
    this.packTiles(path, M, K, 'qu8_gemm_quantize_pack_a', 1 << 4, (m0, rows, dst, rowTerm) => [a + m0 * rs * 4, rows, K, rs, scale, zp, path.kc, path.mr, dst, rowTerm]);
    this.packed = { a, M, K, rs, path, signed: false, za: zp, scale };
  }

  /** Grows the Strassen operand buffer for M × K (the only place it grows). */
  reserveStrassen(M: number, K: number): void {
    const bytes = strassenActivationBytes(M, K);
    if (bytes <= this.strassenBytes) return;
    this.strassenReady = false;
    this.ctx.heap.free(this.strassenA);
    this.strassenA = 0;
    this.strassenA = this.ctx.heap.alloc(bytes);
    this.strassenBytes = bytes;
  }

  /** The Strassen left operands of the latest pack (c2, mr = 4), built once per pack. */
  strassenOperands(M: number, K: number): number {
    if (!this.strassenReady) {
      this.reserveStrassen(M, K);
      this.ctx.exports.qu8_strassen_pack_a(this.ptr, M, K, this.strassenA);
      this.strassenReady = true;
    }
    return this.strassenA;
  }

  /** Runs a packing kernel over M rows, split by whole row tiles across the pool when it is worth it. */
  private packTiles(
    path: GemmPath, M: number, K: number, fn: string, f32Mask: number,
    args: (m0: number, rows: number, dst: number, rowTerm: number) => number[],
  ): void {
    this.reserve(path, M, K);
    const mt = Math.ceil(M / path.mr);
    const pool = this.ctx.pool;
    const T = pool && M * K >= PARALLEL_MIN_PACK && mt >= pool.size ? pool.size : 1;
    if (T === 1) {
      this.ctx.exports[fn](...args(0, M, this.ptr, this.rowTerm));
      return;
    }
    // whole row tiles per thread: only the last share can end in a padded tile
    const tileBytes = Math.ceil(K / path.kc) * path.mr * 4;
    const shares: number[][] = [];
    for (let t = 0; t < T; t++) {
      const t0 = Math.floor((mt * t) / T);
      const t1 = Math.floor((mt * (t + 1)) / T);
      const m0 = t0 * path.mr;
      const m1 = Math.min(M, t1 * path.mr);
      shares.push(args(m0, m1 - m0, this.ptr + t0 * tileBytes, this.rowTerm + m0 * 4));
    }
    pool!.run(fn, shares, f32Mask);
  }

  /** True when the latest pack is A at `a` with these rows, depth, layout, zero point and quantization. */
  holds(a: number, M: number, K: number, rs: number, path: GemmPath, signed: boolean, za: number, scale: number): boolean {
    const p = this.packed;
    return (
      p !== null && p.a === a && p.M === M && p.K === K && p.rs === rs && p.signed === signed && p.za === za &&
      p.path.kc === path.kc && p.path.mr === path.mr && (Number.isNaN(p.scale) ? Number.isNaN(scale) : p.scale === scale)
    );
  }

  dispose(): void {
    this.ctx.heap.free(this.ptr);
    this.ctx.heap.free(this.rowTerm);
    this.ctx.heap.free(this.strassenA);
    this.ptr = this.rowTerm = this.bytes = this.rows = this.strassenA = this.strassenBytes = 0;
    this.forget();
  }
}

/**
 * Runs one GEMM kernel over [0, M) × [0, N), split across the pool's threads when it is worth it:
 * by 8-column panels when there are enough, else by row tiles.
 */
export function dispatchGemm(
  ctx: KernelContext,
  path: GemmPath,
  out: QOutputType,
  M: number,
  N: number,
  K: number,
  act: PackedActivations,
  cols: GemmColumns,
  packed: PackedWeights,
  outPtr: number,
  ldo: number,
  cso: number,
): void {
  const symbol = path.kernels[out].symbol;
  const pool = ctx.pool;
  const T = pool && M * N * K >= PARALLEL_MIN_MACS ? pool.size : 1;
  if (T === 1) {
    // the steady single-thread path allocates nothing
    ctx.exports[symbol](0, M, 0, N, K, act.ptr, act.rowTerm, packed.b, packed.colsum, cols.zb, outPtr, ldo, cso, cols.params);
    return;
  }
  const tail = [K, act.ptr, act.rowTerm, packed.b, packed.colsum, cols.zb, outPtr, ldo, cso, cols.params];
  const panels = (N + 7) >> 3;
  const tiles = Math.ceil(M / path.mr);
  const shares: number[][] = [];
  if (panels >= 2 * T || panels >= tiles) {
    for (let t = 0; t < T; t++) {
      const p0 = Math.floor((panels * t) / T);
      const p1 = Math.floor((panels * (t + 1)) / T);
      if (p1 > p0) shares.push([0, M, p0 * 8, Math.min(N, p1 * 8), ...tail]);
    }
  } else {
    for (let t = 0; t < T; t++) {
      const t0 = Math.floor((tiles * t) / T);
      const t1 = Math.floor((tiles * (t + 1)) / T);
      if (t1 > t0) shares.push([t0 * path.mr, Math.min(M, t1 * path.mr), 0, N, ...tail]);
    }
  }
  pool!.run(symbol, shares);
}

export class QGemmImpl implements QGemm {
  readonly K: number;
  readonly N: number;
  readonly output: QOutputType;
  private readonly cols: GemmColumns;
  private readonly act: PackedActivations;
  /** The packed A the latest run multiplied (`act`, or another GEMM's through `packedA`). */
  private lastAct: PackedActivations;
  /** Row limit of the int8-weight GEMM tile for these weights (larger for weights beyond L2). */
  private readonly mediumMaxM: number;
  /** The 7 Strassen right operands (large path, baseline build, weights of at least minK × minN), or 0. */
  private readonly strassenB: number = 0;
  /** The Strassen thresholds these weights were packed for (the config may change later). */
  private readonly strassen: StrassenConfig | null = null;
  /** Whether the plain i16 packing was freed: runs below strassen.minM rows take the int8 tile. */
  private readonly plainLargeDropped: boolean = false;

  private disposed = false;

  constructor(
    private readonly ctx: KernelContext,
    private readonly o: QGemmOptions,
  ) {
    const { K, N } = o;
    checkInt('K', K, 1, 1 << 24);
    checkInt('N', N, 1, 1 << 24);
    if (o.weights.length !== K * N) throw new KernelArgumentError(`weights: expected K·N = ${K * N} values, got ${o.weights.length}`);
    this.K = K;
    this.N = N;
    this.output = o.output;
    const cfg = ctx.gemmConfig;
    const rows = o.rows ?? 'both';
    const want = [rows !== 'large' ? cfg.small : null, rows !== 'small' ? cfg.large : null].filter((p): p is GemmPath => p !== null);
    this.cols = new GemmColumns(
      ctx, K, N, o.weights, o.weights instanceof Int8Array,
      o.transposeB ? 1 : N, o.transposeB ? K : 1,
      o.weightZeroPoint, o.activationSigned, o.activationZeroPoint, o, want,
    );
    this.act = new PackedActivations(ctx);
    this.lastAct = this.act;
    this.mediumMaxM = mediumMaxMFor(cfg, K, N);
    // only on the i16 packing (a relaxed build's int8 dot cannot take the 9-bit block sums)
    if (rows !== 'small' && strassenFits(cfg.strassen, K, N) && cfg.large.packing === 'c2i16' && this.cols.hasPacking(cfg.large)) {
      this.strassenB = packStrassenWeights(ctx, K, N, this.cols.packedFor(cfg.large).b);
      this.strassen = cfg.strassen;
      // The plain i16 packing only serves runs of mediumMaxM < M < minM rows when both packings
      // exist: the int8 tile takes those (4–5 % slower there), and each weight costs 4.5 bytes
      // (int8 + Strassen) instead of 6.5.
      if (rows === 'both' && cfg.medium && this.cols.hasPacking(cfg.medium)) {
        this.cols.dropWeights(cfg.large);
        this.plainLargeDropped = true;
      }
    }
  }

  /** Whether a run with M rows takes the Strassen level (tests pin the selection with it). */
  usesStrassen(M: number): boolean {
    return this.takesStrassen(M, this.pathFor(M));
  }

  /** usesStrassen for a run whose path is already chosen (`strassen` is set only with `strassenB`). */
  private takesStrassen(M: number, path: GemmPath): boolean {
    const s = this.strassen;
    return s !== null && M >= s.minM && path === this.ctx.gemmConfig.large;
  }

  /** Which packed path a run with M rows takes (tests pin the selection with it). */
  pathFor(M: number): GemmPath {
    const cfg = this.ctx.gemmConfig;
    const usable = (p: GemmPath) => this.cols.hasPacking(p) && !(this.plainLargeDropped && p === cfg.large && M < this.strassen!.minM);
    return pathForRows(cfg, M, usable, this.mediumMaxM);
  }

  run(r: QGemmRunArgs): void {
    if (this.disposed) throw new Error('QGemm used after dispose()');
    const { M } = r;
    checkInt('M', M, 1, 1 << 24);
    const path = this.pathFor(M);
    const q = r.aQuantize;
    if (q) {
      if (this.o.activationSigned) throw new KernelArgumentError('aQuantize needs activationSigned: false (A is quantized to u8)');
      if ((r.aColStride ?? 1) !== 1) throw new KernelArgumentError('aQuantize needs a row-major A (aColStride 1)');
      if (!(q.scale > 0 && Number.isFinite(q.scale))) throw new KernelArgumentError(`aQuantize.scale must be finite and > 0, got ${q.scale}`);
    }
    const za = q ? q.zeroPoint : r.activationZeroPoint;
    if (za !== undefined) this.cols.setActivationZeroPoint(za);
    if (r.scale !== undefined) this.cols.setScale(r.scale);
    const rs = r.aRowStride ?? this.K;
    const scale = q ? Math.fround(q.scale) : NaN;
    // the packing the other GEMM's latest run used (its own, or one it shared in turn: V after K after Q)
    const shared = r.packedA instanceof QGemmImpl && r.packedA !== this && !r.packedA.disposed ? r.packedA.lastAct : null;
    let act = this.act;
    if (shared && (r.aColStride ?? 1) === 1 && shared.holds(r.a, M, this.K, rs, path, q ? false : this.o.activationSigned, this.cols.za, scale)) act = shared;
    else if (q) act.quantizePack(path, r.a, M, this.K, rs, scale, q.zeroPoint);
    else act.pack(path, r.a, M, this.K, rs, r.aColStride ?? 1, this.o.activationSigned, this.cols.za);
    this.lastAct = act;
    const ldo = r.ldo ?? this.N, cso = r.cso ?? 1;
    if (this.takesStrassen(M, path)) {
      const c = this.cols;
      const aS = act.strassenOperands(M, this.K);
      runStrassen(this.ctx, this.strassen!, this.output, M, this.N, this.K, aS, act.rowTerm, this.strassenB, c.packedFor(path).colsum, c.zb, c.params, r.out, ldo, cso);
      return;
    }
    dispatchGemm(this.ctx, path, this.output, M, this.N, this.K, act, this.cols, this.cols.packedFor(path), r.out, ldo, cso);
  }

  reserve(maxM: number): void {
    if (this.disposed) throw new Error('QGemm used after dispose()');
    checkInt('maxM', maxM, 1, 1 << 24);
    // every path a run with M ≤ maxM can take (those whose packing exists; the few-rows path shares
    // the GEMV packing but pads to its own mr); buffers grow monotonically in M
    const cfg = this.ctx.gemmConfig;
    for (const p of [cfg.small, cfg.few, cfg.medium, cfg.large]) if (p && this.cols.hasPacking(p)) this.act.reserve(p, maxM, this.K);
    if (this.strassen && maxM >= this.strassen.minM) {
      this.act.reserveStrassen(maxM, this.K);
      strassenScratch(this.ctx);
    }
  }

  runArrays(M: number, a: Uint8Array | Int8Array): Uint8Array | Int8Array | Float32Array | Int32Array {
    if (a.length !== M * this.K) throw new KernelArgumentError(`A: expected M·K = ${M * this.K} values, got ${a.length}`);
    const heap = this.ctx.heap;
    const pa = heap.put(a);
    const es = elementSize(this.output);
    const po = heap.alloc(M * this.N * es);
    try {
      this.run({ M, a: pa, out: po });
      return copyOut(heap.u8, po, M * this.N, this.output);
    } finally {
      heap.free(pa);
      heap.free(po);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ctx.heap.free(this.strassenB);
    this.cols.dispose();
    this.act.dispose();
  }
}

export function copyOut(u8: Uint8Array, ptr: number, n: number, t: QOutputType): Uint8Array | Int8Array | Float32Array | Int32Array {
  const bytes = u8.slice(ptr, ptr + n * elementSize(t)).buffer;
  return t === 'u8' ? new Uint8Array(bytes) : t === 's8' ? new Int8Array(bytes) : t === 'f32' ? new Float32Array(bytes) : new Int32Array(bytes);
}
