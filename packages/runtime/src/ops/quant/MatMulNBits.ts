// com.microsoft MatMulNBits (weight-only, 2/4/8 bits): B packed [N, blocks, blob] with a scale
// per (column, block) and optional packed or float zero points (default 2^(bits−1)).
// Y = A · dequant(B)ᵀ (+ bias). On the kernels (4/8 bits, constant weights) the codes stay packed
// in WASM memory; the TypeScript path dequantizes the weights once to float [K, N].

import type { OpConfig } from '../../op-registry.js';
import { sizeOf } from '../../tensor.js';
import { createMatMulNBits, type MatMulNBits } from '@octet/kernels';
import { gemmTS } from '../gemm-ts.js';
import { inWasm, wasmKernels } from './wasm-bridge.js';

export function dequantizeNBits(
  b: Uint8Array,
  scales: Float32Array,
  zeroPoints: Uint8Array | Float32Array | undefined,
  K: number,
  N: number,
  bits: number,
  blockSize: number,
): Float32Array {
  const blocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const mask = (1 << bits) - 1;
  const zpRow = Math.ceil((blocks * bits) / 8);
  const w = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < blocks; blk++) {
      const s = scales[n * blocks + blk];
      let zp = 1 << (bits - 1);
      if (zeroPoints instanceof Float32Array) zp = zeroPoints[n * blocks + blk];
      else if (zeroPoints) {
        const bit = blk * bits;
        zp = (zeroPoints[n * zpRow + (bit >> 3)] >> (bit & 7)) & mask;
      }
      const base = (n * blocks + blk) * blob;
      for (let i = 0; i < blockSize; i++) {
        const k = blk * blockSize + i;
        if (k >= K) break;
        const bit = i * bits;
        const code = (b[base + (bit >> 3)] >> (bit & 7)) & mask;
        w[k * N + n] = Math.fround(code - zp) * s;
      }
    }
  }
  return w;
}

export const matMulNBitsConfig: OpConfig = {
  opType: 'MatMulNBits',
  domain: 'com.microsoft',
  minOpset: 1,
  maxOpset: 1,
  prepare(ctx) {
    const a = ctx.input(0);
    if (a.dtype !== 'float32') ctx.fail(`A must be float32, got ${a.dtype}`);
    const K = ctx.attrs.int('K');
    const N = ctx.attrs.int('N');
    const bits = ctx.attrs.int('bits', 4);
    const blockSize = ctx.attrs.int('block_size');
    if (![2, 4, 8].includes(bits)) ctx.fail(`bits = ${bits} is not supported (2, 4 or 8)`);
    if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) ctx.fail(`block_size must be a power of 2 ≥ 16, got ${blockSize}`);
    if (a.dims[a.dims.length - 1] !== K) ctx.fail(`A's last dimension ${a.dims[a.dims.length - 1]} is not K = ${K}`);
    if (ctx.hasInput(4)) ctx.fail('g_idx is not supported');
    const M = sizeOf(a.dims) / K;
    const outDims = [...a.dims.slice(0, -1), N];
    const k = wasmKernels(ctx);
    const bC = ctx.constant(1);
    const sC = ctx.constant(2);
    const zC = ctx.hasInput(3) ? ctx.constant(3) : undefined;
    const biasC = ctx.hasInput(5) ? ctx.constant(5) : undefined;
    if (k && (bits === 4 || bits === 8) && blockSize <= 256 && bC && sC && (zC || !ctx.hasInput(3)) && (biasC || !ctx.hasInput(5))) {
      let nb = ctx.cache.get('nbits') as MatMulNBits | undefined;
      if (!nb) {
        nb = createMatMulNBits(k, {
          K, N, bits, blockSize,
          b: bC.data as Uint8Array,
          scales: sC.data as Float32Array,
          zeroPoints: zC ? (zC.data as Uint8Array | Float32Array) : null,
          bias: biasC ? (biasC.data as Float32Array) : null,
        });
        ctx.cache.set('nbits', nb);
        const made = nb;
        ctx.onDispose(() => made.dispose());
      }
      const op = nb;
      const fallback = prepareTS();
      return {
        outputs: [{ dtype: 'float32', dims: outDims }],
        run(inputs, outputs) {
          const x = inputs[0].data;
          const y = outputs[0].data;
          if (inWasm(k, x, y)) op.runInto(x.byteOffset, y.byteOffset, M);
          else fallback(inputs[0].data as Float32Array, inputs[5]?.data as Float32Array | undefined, y as Float32Array);
        },
      };
    }
    const ts = prepareTS();
    return {
      outputs: [{ dtype: 'float32', dims: outDims }],
      run(inputs, outputs) {
        ts(inputs[0].data as Float32Array, inputs[5]?.data as Float32Array | undefined, outputs[0].data as Float32Array);
      },
    };

    function prepareTS(): (x: Float32Array, bias: Float32Array | undefined, y: Float32Array) => void {
      let w = ctx.cache.get('w') as Float32Array | undefined;
      if (!w) {
        const b = ctx.constant(1) ?? ctx.value(1);
        const scales = ctx.constant(2) ?? ctx.value(2);
        const zp = ctx.hasInput(3) ? ctx.constant(3) ?? ctx.value(3) : undefined;
        if (b.dtype !== 'uint8') ctx.fail(`B must be uint8, got ${b.dtype}`);
        if (scales.dtype !== 'float32') ctx.fail(`scales must be float32, got ${scales.dtype}`);
        const blocks = Math.ceil(K / blockSize);
        if (b.data.length !== N * blocks * ((blockSize * bits) / 8)) ctx.fail(`B has ${b.data.length} bytes, expected N·blocks·blob = ${N * blocks * ((blockSize * bits) / 8)}`);
        if (scales.data.length !== N * blocks) ctx.fail(`scales has ${scales.data.length} values, expected ${N * blocks}`);
        w = dequantizeNBits(b.data as Uint8Array, scales.data as Float32Array, zp?.data as Uint8Array | Float32Array | undefined, K, N, bits, blockSize);
        if (ctx.constant(1) && ctx.constant(2)) ctx.cache.set('w', w);
      }
      const weights = w;
      return (x, bias, y) => {
        gemmTS(M, N, K, x, 0, K, weights, 0, N, y, 0, N, false);
        if (bias) for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) y[m * N + n] += bias[n];
      };
    }
  },
};
