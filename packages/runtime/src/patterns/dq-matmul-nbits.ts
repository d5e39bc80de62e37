// Weight-only QDQ (opset 21 blocked 4-bit DequantizeLinear of constant weights feeding MatMul), as
// ONNX Runtime's DQMatMulToMatMulNBits rule does: one MatMulNBits node whose codes stay packed
// (instead of folding the weights to float at compile time). Weights [K, N] blocked along K
// (axis 0) with a power-of-two block ≥ 16 are repacked to MatMulNBits' [N, blocks, blob] layout;
// signed codes shift by 8 into the unsigned code space, zero points with them.

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import type { Tensor } from '../tensor.js';
import { GraphIndex } from './qdq-graph.js';

interface Packed {
  b: Tensor;
  scales: Tensor;
  zeroPoints: Tensor;
}

export function packNBits(w: Tensor, scale: Tensor, zp: Tensor | undefined, blockSize: number): Packed {
  const [K, N] = w.dims;
  const blocks = Math.ceil(K / blockSize);
  const blob = blockSize / 2;
  const shift = w.dtype === 'int4' ? 8 : 0;
  const b = new Uint8Array(N * blocks * blob);
  const scales = new Float32Array(N * blocks);
  const zRow = Math.ceil(blocks / 2);
  const zps = new Uint8Array(N * zRow);
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < blocks; blk++) {
      scales[n * blocks + blk] = scale.data[blk * N + n] as number;
      const z = (zp ? Number(zp.data[blk * N + n]) : 0) + shift;
      zps[n * zRow + (blk >> 1)] |= (z & 15) << ((blk & 1) * 4);
      for (let i = 0; i < blockSize; i++) {
        const k = blk * blockSize + i;
        // Padding codes past K equal the zero point: they contribute nothing.
        const code = k < K ? Number(w.data[k * N + n]) + shift : z;
        b[(n * blocks + blk) * blob + (i >> 1)] |= (code & 15) << ((i & 1) * 4);
      }
    }
  }
  return {
    b: { dtype: 'uint8', dims: [N, blocks, blob], data: b },
    scales: { dtype: 'float32', dims: [N * blocks], data: scales },
    zeroPoints: { dtype: 'uint8', dims: [N * zRow], data: zps },
  };
}

function rewrite(graph: RuntimeGraph, ix: GraphIndex, mm: GraphNode): boolean {
  const dq = ix.producer(mm.inputs[1]);
  if (!dq || dq.opType !== 'DequantizeLinear' || dq.domain !== '') return false;
  const w = ix.initializer(dq.inputs[0]);
  const s = ix.initializer(dq.inputs[1]);
  const z = (dq.inputs[2] ?? '') === '' ? undefined : ix.initializer(dq.inputs[2]);
  if (!w || !s || s.dtype !== 'float32' || ((dq.inputs[2] ?? '') !== '' && !z)) return false;
  if ((w.dtype !== 'int4' && w.dtype !== 'uint4') || w.dims.length !== 2) return false;
  const axis = dq.attributes.get('axis');
  const block = dq.attributes.get('block_size');
  const bs = block?.kind === 'int' ? block.value : 0;
  if (!(axis?.kind === 'int' && (axis.value === 0 || axis.value === -2)) || bs < 16 || (bs & (bs - 1)) !== 0) return false;
  const [K, N] = w.dims;
  const p = packNBits(w, s, z, bs);
  const base = `${mm.name || mm.outputs[0]}_nbits`;
  graph.initializers.set(`${base}_b`, p.b);
  graph.initializers.set(`${base}_scales`, p.scales);
  graph.initializers.set(`${base}_zero_points`, p.zeroPoints);
  const fused: GraphNode = {
    name: mm.name,
    opType: 'MatMulNBits',
    domain: OCTET_DOMAIN,
    inputs: [mm.inputs[0], `${base}_b`, `${base}_scales`, `${base}_zero_points`],
    outputs: [...mm.outputs],
    attributes: new Map([
      ['K', { kind: 'int', value: K }],
      ['N', { kind: 'int', value: N }],
      ['bits', { kind: 'int', value: 4 }],
      ['block_size', { kind: 'int', value: bs }],
    ]),
  };
  graph.nodes = graph.nodes.map((n) => (n === mm ? fused : n));
  // The DQ goes when nothing else reads it.
  ix.rebuild();
  if (dq.outputs.every((o) => ix.consumers(o).length === 0 && !ix.isGraphOutput(o))) graph.nodes = graph.nodes.filter((n) => n !== dq);
  return true;
}

export const dqMatMulNBitsPattern: GraphPattern = {
  name: 'dq-matmul-to-matmulnbits',
  apply(graph) {
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if (n.opType === 'MatMul' && n.domain === '' && rewrite(graph, ix, n)) ix.rebuild();
    }
  },
};
