import { selectDwconvKernels } from '../configs/gemm-config.js';
import type { KernelContext } from '../gemm/kernel-context.js';
import { PARALLEL_MIN_MACS, PARALLEL_MIN_PACK } from '../gemm/kernel-context.js';
import type { QOutputType } from '../gemm/gemm.js';
import { PARAMS_BYTES, outputRange, writeParams } from '../gemm/gemm-params.js';
import { GemmColumns, KernelArgumentError, PackedActivations, copyOut, dispatchGemm, elementSize } from '../gemm/qgemm-impl.js';
import type { QConv, QConvOptions, QConvRunArgs } from './conv.js';

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
  private readonly groups: GemmColumns[] = [];
  private readonly act: PackedActivations;
  private im2col = 0;
  private im2colBytes = 0;
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
    this.act = new PackedActivations(ctx);
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
    // scratch sized by the shape alone: allocated now so that no run grows the memory
    this.reserve();
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
    const [sH, sW] = o.strides ?? [1, 1];
    const [dH, dW] = o.dilations ?? [1, 1];
    const Hp = (this.oH - 1) * sH + (kH - 1) * dH + 1;
    const Wp = (this.oW - 1) * sW + (kW - 1) * dW + 1 + 16;
    const scratchBytes = 2 * Hp * Wp;
    const threads = ctx.pool?.size ?? 1;
    const scratch = Array.from({ length: threads }, () => heap.alloc(scratchBytes));
    this.dw = { w, bias, biasF32, scale, params, scratch, scratchBytes };
    this.checkZa(this.za);
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
    const { C, H, W, M } = this.o;
    const [kH, kW] = this.o.kernelShape;
    const [sH, sW] = this.o.strides ?? [1, 1];
    const [dH, dW] = this.o.dilations ?? [1, 1];
    const [pT, pL] = this.o.pads ?? [0, 0, 0, 0];
    const { oH, oW } = this;
    const oHW = oH * oW;
    const es = elementSize(this.output);
    const signed = this.o.activationSigned;
    const ex = this.ctx.exports;

    if (this.dw) {
      const dw = this.dw;
      const symbol = selectDwconvKernels()[this.output].symbol;
      const zx = signed ? this.za + 128 : this.za;
      const T = this.ctx.pool && C * oHW * kH * kW >= PARALLEL_MIN_MACS ? Math.min(this.ctx.pool.size, C) : 1;
      for (let n = 0; n < r.N; n++) {
        const x = r.x + n * C * H * W;
        const y = r.y + n * M * oHW * es;
        const shares = [];
        for (let t = 0; t < T; t++) {
          const c0 = Math.floor((C * t) / T);
          const c1 = Math.floor((C * (t + 1)) / T);
          shares.push([c0, c1, x, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, signed ? 0x80 : 0, dw.w, dw.bias, dw.scale, dw.params, dw.scratch[t], y]);
        }
        if (T === 1) ex[symbol](...shares[0]);
        else this.ctx.pool!.run(symbol, shares);
      }
      return;
    }

    const g = this.groups.length;
    const Cg = C / g;
    const Mg = M / g;
    const K = Cg * kH * kW;
    const path = this.ctx.gemmConfig.large;
    this.reserve();
    for (let n = 0; n < r.N; n++) {
      for (let gi = 0; gi < g; gi++) {
        const cols = this.groups[gi];
        const xg = r.x + (n * C + gi * Cg) * H * W;
        if (this.method === 'gemm-1x1') {
          this.act.pack(path, xg, oHW, K, 1, H * W, signed, cols.za);
        } else {
          this.im2colT(xg, Cg, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW);
          this.act.pack(path, this.im2col, oHW, K, 1, oHW, signed, cols.za);
        }
        const out = r.y + (n * M + gi * Mg) * oHW * es;
        dispatchGemm(this.ctx, path, this.output, oHW, Mg, K, this.act, cols, cols.packedFor(path), out, 1, oHW);
      }
    }
  }

  reserve(): void {
    if (this.disposed) throw new Error('QConv used after dispose()');
    if (this.method === 'depthwise') return;
    const { C, kernelShape: [kH, kW] } = this.o;
    const oHW = this.oH * this.oW;
    const K = (C / this.groups.length) * kH * kW;
    if (this.method === 'im2col-gemm' && this.im2colBytes < oHW * K) {
      this.ctx.heap.free(this.im2col);
      this.im2col = 0;
      this.im2col = this.ctx.heap.alloc(oHW * K);
      this.im2colBytes = oHW * K;
    }
    this.act.reserve(this.ctx.gemmConfig.large, oHW, K);
  }

  /** Transposed im2col of one group, split by input channels across the pool's threads. */
  private im2colT(x: number, C: number, H: number, W: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pT: number, pL: number, oH: number, oW: number): void {
    const pool = this.ctx.pool;
    const rows = kH * kW * oH * oW;
    const T = pool && C * rows >= PARALLEL_MIN_PACK && C >= pool.size ? pool.size : 1;
    const shares: number[][] = [];
    for (let t = 0; t < T; t++) {
      const c0 = Math.floor((C * t) / T);
      const c1 = Math.floor((C * (t + 1)) / T);
      shares.push([x + c0 * H * W, c1 - c0, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, this.za & 0xff, this.im2col + c0 * rows]);
    }
    if (T === 1) this.ctx.exports.qu8_conv_im2col_t(...shares[0]);
    else pool!.run('qu8_conv_im2col_t', shares);
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
    this.act.dispose();
    heap.free(this.im2col);
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
