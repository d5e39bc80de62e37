// Weight-only quantization of MatMul weights: int4/int8 blocks along K, emitted as com.microsoft
// MatMulNBits or as opset-21 blocked DequantizeLinear + MatMul. Weights are processed one at a
// time and their float data released, so memory stays near one tensor plus the output.
import type { ModelProto, NodeProto } from 'onnx-buf';
import { quantizeBlockwise } from '../numerics/block.js';
import { GraphIndex, ensureOpset, makeNode, removeUnusedInitializers, topoSort } from '../model/graph.js';
import { DT, dimsOf, floatTensor, intTensor, packNibbles, toFloat32, type ExternalLoader } from '../model/tensors.js';
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import { QuantizerError } from '../errors.js';
import { splitGemm } from './dynamic.js';

export interface WeightOnlyOptions {
  bits: 4 | 8;
  blockSize: number;
  symmetric: boolean;
  format: 'matmulnbits' | 'qdq';
  excludeNodes: ReadonlySet<string>;
  external?: ExternalLoader;
  onProgress?: (f: number) => void;
}

type WeightInfo = { tensor: string; node: string; axis?: number; channels: number; type: string };

function u8Tensor(name: string, dims: number[], data: Uint8Array) {
  return create(TensorProtoSchema, { name, dataType: DT.UINT8, dims: dims.map(BigInt), rawData: data as Uint8Array<ArrayBuffer> });
}

export function quantizeWeightOnly(model: ModelProto, o: WeightOnlyOptions): { quantizedNodes: string[]; weights: WeightInfo[] } {
  if (o.bits !== 4 && o.bits !== 8) throw new QuantizerError(`weight-only bits must be 4 or 8, got ${o.bits}`);
  if (o.blockSize < 16 || o.blockSize > 256 || (o.blockSize & (o.blockSize - 1)) !== 0) {
    throw new QuantizerError(`block size must be a power of two in 16..256, got ${o.blockSize}`);
  }
  const g = model.graph!;
  let idx = new GraphIndex(g);
  for (const n of [...g.node]) {
    if (n.opType === 'Gemm' && (!n.domain || n.domain === 'ai.onnx') && !o.excludeNodes.has(n.name) && splitGemm(model, idx, n, o.external)) {
      idx = new GraphIndex(g);
    }
  }
  const targets = g.node.filter((n) => {
    if (n.opType !== 'MatMul' || (n.domain && n.domain !== 'ai.onnx') || o.excludeNodes.has(n.name)) return false;
    const w = idx.constant(n.input[1]);
    return !!w && w.dataType === DT.FLOAT && w.dims.length === 2;
  });
  const quantized: string[] = [];
  const weights: WeightInfo[] = [];
  const replace = new Map<NodeProto, NodeProto[]>();
  targets.forEach((n, i) => {
    const w = idx.constant(n.input[1])!;
    const [K, N] = dimsOf(w);
    let data: Float32Array | undefined = toFloat32(w, o.external);
    const q = quantizeBlockwise(data, K, N, o.bits, o.blockSize, o.symmetric, o.format === 'matmulnbits');
    data = undefined;
    const base = n.input[1];
    if (o.format === 'matmulnbits') {
      const blob = (o.blockSize * o.bits) / 8;
      const packed = q.codes; // already two per byte for 4-bit
      const bName = idx.addInitializer(u8Tensor(idx.unique(`${base}_Q${o.bits}`), [N, q.blocks, blob], packed));
      const sName = idx.addInitializer(floatTensor(idx.unique(`${base}_scales`), [N * q.blocks], q.scales));
      const inputs = [n.input[0], bName, sName];
      if (!o.symmetric) {
        let zp: Uint8Array;
        if (o.bits === 4) {
          const perCol = Math.ceil(q.blocks / 2);
          zp = new Uint8Array(N * perCol);
          for (let c = 0; c < N; c++) zp.set(packNibbles(q.zeroPoints.subarray(c * q.blocks, (c + 1) * q.blocks)), c * perCol);
        } else zp = q.zeroPoints;
        inputs.push(idx.addInitializer(u8Tensor(idx.unique(`${base}_zero_points`), [zp.length], zp)));
      }
      replace.set(n, [
        makeNode('MatMulNBits', inputs, [n.output[0]], { K, N, bits: o.bits, block_size: o.blockSize, accuracy_level: 0 }, n.name || idx.unique('MatMulNBits'), 'com.microsoft'),
      ]);
    } else {
      // Blocked DequantizeLinear (opset 21): codes as int4/int8 [K, N], scales [ceil(K/bs), N], axis 0.
      const signedType = o.bits === 4 ? DT.INT4 : DT.INT8;
      const mid = 1 << (o.bits - 1);
      const wq = new Int8Array(K * N);
      const sc = new Float32Array(q.blocks * N);
      const zq = new Int8Array(q.blocks * N);
      for (let c = 0; c < N; c++) {
        for (let b = 0; b < q.blocks; b++) {
          sc[b * N + c] = q.scales[c * q.blocks + b];
          zq[b * N + c] = q.zeroPoints[c * q.blocks + b] - mid;
          for (let k = b * o.blockSize; k < Math.min(K, (b + 1) * o.blockSize); k++) {
            wq[k * N + c] = q.codes[(c * q.blocks + b) * o.blockSize + (k - b * o.blockSize)] - mid;
          }
        }
      }
      const wName = idx.addInitializer(intTensor(idx.unique(`${base}_quantized`), signedType, [K, N], wq));
      const sName = idx.addInitializer(floatTensor(idx.unique(`${base}_scale`), [q.blocks, N], sc));
      const inputs = [wName, sName];
      if (!o.symmetric) inputs.push(idx.addInitializer(intTensor(idx.unique(`${base}_zero_point`), signedType, [q.blocks, N], zq)));
      const dq = idx.unique(`${base}_DequantizeLinear_Output`);
      replace.set(n, [
        makeNode('DequantizeLinear', inputs, [dq], { axis: 0, block_size: o.blockSize }, idx.unique(`${base}_DequantizeLinear`)),
        makeNode('MatMul', [n.input[0], dq], [n.output[0]], {}, n.name),
      ]);
    }
    quantized.push(n.name || n.output[0]);
    weights.push({ tensor: base, node: n.name, channels: N, type: `${o.symmetric ? '' : 'u'}int${o.bits}/b${o.blockSize}` });
    // drop the float weight as soon as it is consumed by nothing else
    if (idx.consumersOf(base).length === 1) {
      g.initializer = g.initializer.filter((t) => t !== w);
      idx.inits.delete(base);
    }
    o.onProgress?.((i + 1) / targets.length);
  });
  g.node = g.node.flatMap((n) => replace.get(n) ?? [n]);
  removeUnusedInitializers(g);
  topoSort(g);
  if (o.format === 'matmulnbits') ensureOpset(model, 'com.microsoft', 1);
  else {
    ensureOpset(model, '', 21);
    if (model.irVersion < 10n) model.irVersion = 10n;
  }
  return { quantizedNodes: quantized, weights };
}
