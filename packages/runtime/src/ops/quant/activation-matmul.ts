// Integer matmul of two activations (attention: Q·Kᵀ, P·V) on the WASM GEMM kernels: per batch,
// A is packed with the kernels' activation packer, B is packed at run time (SIMD packer for
// rows- or columns-contiguous B), then the large-tile GEMM runs with the fused epilogue. Operands
// and output are addressed by per-batch offsets and row/column strides, so transposed inputs and a
// transposed output need no copy.

import type { Kernels, QOutputType } from '@octet/kernels';
import { PARAMS_BYTES, writeParams } from '@octet/kernels';
import type { OpContext } from '../../op-registry.js';
import { scratchOf } from './wasm-bridge.js';

/** Where one operand's elements are: batch t, row r, column c at off[t] + r·rs + c·cs (elements). */
export interface StridedOperand {
  readonly off: Int32Array;
  readonly rs: number;
  readonly cs: number;
  readonly signed: boolean;
}

export interface ActivationMatMulSpec {
  readonly batches: number;
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly a: StridedOperand;
  readonly b: StridedOperand;
  /** Output batch offsets, row and column strides (elements). */
  readonly outOff: Int32Array;
  readonly ldo: number;
  readonly cso: number;
  readonly output: QOutputType;
  /** u8/s8: sA·sB/sY; f32: sA·sB (one value: activations are per-tensor). */
  readonly scale: number;
  readonly outputZeroPoint?: number;
  readonly outputMin?: number;
  readonly outputMax?: number;
}

export interface ActivationMatMul {
  /** a, b, out: byte addresses in the kernels' memory of element 0 of each tensor. */
  run(a: number, b: number, out: number, za: number, zb: number, scale?: number): void;
}

const elementBytes = (t: QOutputType) => (t === 'u8' || t === 's8' ? 1 : 4);

export function createActivationMatMul(ctx: OpContext, k: Kernels, s: ActivationMatMulSpec): ActivationMatMul {
  const { M, K, N } = s;
  const path = k.gemmConfig.large;
  const gemm = k.exports[path.kernels[s.output].symbol];
  const packA = k.exports[path.kc === 2 ? 'qu8_gemm_pack_a_c2' : 'qu8_gemm_pack_a_c4'];
  const fastPackB = path.packing === 'c2i16' ? k.exports['qs8_gemm_pack_b_c2i16__wasmsimd'] : undefined;
  const packW = k.exports['qs8_gemm_pack_w'];
  const Np = (N + 7) & ~7;
  const mt = Math.ceil(M / path.mr);
  const Kg = Math.ceil(K / path.kc);
  const esize = path.packing === 'c2i16' ? 2 : 1;
  // One block per node: packed A, row terms, packed B, column sums, zero points, scales, params.
  const sizes = [mt * Kg * path.mr * 4, mt * path.mr * 4, Np * Kg * path.kc * esize, Np * 4, Np * 4, Np * 4, PARAMS_BYTES];
  const offsets: number[] = [];
  let total = 0;
  for (const b of sizes) {
    offsets.push(total);
    total += (b + 63) & ~63;
  }
  const block = scratchOf(ctx, k, 'act-matmul');
  block.ensure(total);
  const rt = s.output === 'u8' ? [0, 255] : s.output === 's8' ? [-128, 127] : [0, 0];
  const qmin = Math.max(rt[0], s.outputMin ?? rt[0]);
  const qmax = Math.min(rt[1], s.outputMax ?? rt[1]);
  const ob = elementBytes(s.output);
  const xa = s.a.signed ? 0x80 : 0;
  const xb = s.b.signed ? 0 : 0x80;
  let lastZb = NaN;
  let lastScale = NaN;
  let lastBase = -1;
  return {
    run(a, b, o, za, zb, scale = s.scale) {
      const base = block.ptr;
      const pa = base + offsets[0];
      const rowTerm = base + offsets[1];
      const pb = base + offsets[2];
      const colsum = base + offsets[3];
      const zbp = base + offsets[4];
      const scp = base + offsets[5];
      const params = base + offsets[6];
      const heap = k.heap;
      const zaU = s.a.signed ? za + 128 : za;
      if (zb !== lastZb || scale !== lastScale || base !== lastBase) {
        // Zero points in the s8 domain the packed B is in; one scale for every column.
        heap.i32.fill(s.b.signed ? zb : zb - 128, zbp >> 2, (zbp >> 2) + Np);
        heap.f32.fill(scale, scp >> 2, (scp >> 2) + Np);
        lastZb = zb;
        lastScale = scale;
        lastBase = base;
      }
      writeParams(heap, params, { za: zaU, biasI32: 0, scale: scp, zy: s.outputZeroPoint ?? 0, qmin, qmax, biasF32: 0 });
      for (let t = 0; t < s.batches; t++) {
        packA(a + s.a.off[t], M, K, s.a.rs, s.a.cs, xa, zaU, path.mr, pa, rowTerm);
        if (fastPackB) fastPackB(b + s.b.off[t], K, N, s.b.rs, s.b.cs, xb, pb, colsum);
        else packW(b + s.b.off[t], K, N, s.b.rs, s.b.cs, xb, path.kc, esize, pb, colsum);
        gemm(0, M, 0, N, K, pa, rowTerm, pb, colsum, zbp, o + s.outOff[t] * ob, s.ldo, s.cso, params);
      }
    },
  };
}
