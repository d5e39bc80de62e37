// Packing checks: onnxruntime-node runs the emitted MatMulNBits / blocked DequantizeLinear, and its
// result must equal a plain TypeScript MatMul over the weights dequantized from quantizeBlockwise.
import { describe, expect, it } from 'vitest';
import { makeNode } from '../model/graph.js';
import { floatTensor } from '../model/tensors.js';
import { quantizeBlockwise } from '../numerics/block.js';
import { buildModel, randn, runModel } from '../test-helpers.js';
import { quantize } from '../quantize.js';

function dequantized(w: Float32Array, K: number, N: number, bits: 4 | 8, bs: number, sym: boolean): Float32Array {
  const q = quantizeBlockwise(w, K, N, bits, bs, sym);
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / bs);
      const code = q.codes[(n * q.blocks + b) * bs + (k - b * bs)];
      out[k * N + n] = (code - q.zeroPoints[n * q.blocks + b]) * q.scales[n * q.blocks + b];
    }
  return out;
}

function matmul(x: Float32Array, w: Float32Array, M: number, K: number, N: number): Float32Array {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) y[m * N + n] += x[m * K + k] * w[k * N + n];
  return y;
}

describe('weight-only encodings', () => {
  const M = 3;
  const K = 80; // not a multiple of 32: exercises block padding
  const N = 7;
  const w = randn(K * N, 21, 0.2);
  const x = randn(M * K, 22);
  const model = () =>
    buildModel({ inputs: [['x', [M, K]]], outputs: ['y'], nodes: [makeNode('MatMul', ['x', 'w'], ['y'])], inits: [floatTensor('w', [K, N], w)], opset: 21 });

  for (const format of ['matmulnbits', 'qdq'] as const)
    for (const bits of [4, 8] as const)
      for (const symmetric of [true, false])
        it(`${format} ${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'} block 32 matches the TypeScript reference`, async () => {
          const { model: q } = await quantize(model(), { mode: 'weight-only', bits, blockSize: 32, symmetric, weightOnlyFormat: format });
          expect(q.graph!.node.some((n) => n.opType === (format === 'qdq' ? 'DequantizeLinear' : 'MatMulNBits'))).toBe(true);
          // optimizations off: ONNX Runtime would otherwise fuse blocked DQ + MatMul into an int8-activation kernel
          const got = await runModel(q, { x: { type: 'float32', data: x, dims: [M, K] } }, { optimize: false });
          const want = matmul(x, dequantized(w, K, N, bits, 32, symmetric), M, K, N);
          for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-3 * (1 + Math.abs(want[i])));
          // and the quantization error itself is what 4/8 bits allow
          const exact = matmul(x, w, M, K, N);
          let err = 0;
          let sig = 0;
          for (let i = 0; i < exact.length; i++) {
            err += (exact[i] - got[i]) ** 2;
            sig += exact[i] ** 2;
          }
          expect(10 * Math.log10(sig / err)).toBeGreaterThan(bits === 4 ? 15 : 35);
        });
});
