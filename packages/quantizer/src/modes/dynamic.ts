// Dynamic quantization as ONNX Runtime's quantize_dynamic: int8 weights offline, activations
// quantized at run time by DynamicQuantizeLinear, MatMulInteger/ConvInteger (or the fused
// com.microsoft DynamicQuantizeMatMul).
import type { ModelProto, NodeProto } from 'onnx-buf';
import { QUANT_TYPE_ONNX, isSignedQuantType } from '../numerics/qtype.js';
import { quantizeWeight } from '../numerics/weight.js';
import { GraphIndex, attrFloat, attrInt, ensureOpset, makeNode, removeUnusedInitializers, topoSort } from '../model/graph.js';
import { DT, dimsOf, floatTensor, int64Tensor, intTensor, toFloat32, type ExternalLoader } from '../model/tensors.js';

/** ONNX Runtime's quantize_dynamic defaults that apply to standard ONNX graphs (Gemm via MatMul). */
export const DEFAULT_DYNAMIC_OPS = ['MatMul', 'Gemm', 'Conv', 'Gather'];

export interface DynamicOptions {
  weightType: 'int8' | 'uint8';
  perChannel: boolean;
  reduceRange: boolean;
  weightSymmetric?: boolean;
  opTypes: ReadonlySet<string>;
  excludeNodes: ReadonlySet<string>;
  fused: boolean;
  external?: ExternalLoader;
}

type WeightInfo = { tensor: string; node: string; axis?: number; channels: number; type: string };

function transpose2d(w: Float32Array, rows: number, cols: number, alpha = 1): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c] * alpha;
  return out;
}

/** Gemm(A, B const, C) → MatMul(A, B') [+ Add(beta·C)] so it can use MatMulInteger (ONNX Runtime does the same). */
export function splitGemm(model: ModelProto, idx: GraphIndex, n: NodeProto, external?: ExternalLoader): NodeProto | undefined {
  if (attrInt(n, 'transA', 0)) return undefined;
  const b = idx.constant(n.input[1]);
  if (!b || b.dataType !== DT.FLOAT || dimsOf(b).length !== 2) return undefined;
  const alpha = attrFloat(n, 'alpha', 1);
  const beta = attrFloat(n, 'beta', 1);
  const [r, c] = dimsOf(b);
  const data = toFloat32(b, external);
  let w: Float32Array;
  let dims: number[];
  if (attrInt(n, 'transB', 0)) {
    w = transpose2d(data, r, c, alpha);
    dims = [c, r];
  } else {
    w = alpha === 1 ? data : data.map((v) => v * alpha);
    dims = [r, c];
  }
  const wName = idx.addInitializer(floatTensor(idx.unique(`${n.input[1]}_matmul`), dims, w));
  const g = model.graph!;
  const at = g.node.indexOf(n);
  const hasC = !!n.input[2];
  const mmOut = hasC ? idx.unique(`${n.output[0]}_MatMul`) : n.output[0];
  const mm = makeNode('MatMul', [n.input[0], wName], [mmOut], {}, `${n.name}_MatMul`);
  const repl: NodeProto[] = [mm];
  if (hasC) {
    let cName = n.input[2];
    if (beta !== 1) {
      const ct = idx.constant(cName);
      if (!ct) return undefined;
      const cv = toFloat32(ct, external).map((v) => v * beta);
      cName = idx.addInitializer(floatTensor(idx.unique(`${cName}_beta`), dimsOf(ct), cv));
    }
    repl.push(makeNode('Add', [mmOut, cName], [n.output[0]], {}, `${n.name}_Add`));
  }
  g.node.splice(at, 1, ...repl);
  return mm;
}

/**
 * A Gather's constant float table (an embedding) quantized once as ONNX Runtime's dynamic mode does
 * (`quantize_activation` on an initializer): uint8, asymmetric, per tensor, its own min/max.
 */
function quantizeGatherData(
  n: NodeProto,
  idx: GraphIndex,
  done: Map<string, [string, string, string]>,
  external?: ExternalLoader,
): [string, string, string] | undefined {
  const name = n.input[0];
  const have = done.get(name);
  if (have) return have;
  const t = idx.constant(name);
  if (!t || t.dataType !== DT.FLOAT || !idx.inits.has(name)) return undefined;
  const dims = dimsOf(t);
  const qw = quantizeWeight(toFloat32(t, external), dims, 'uint8', { symmetric: false });
  const names: [string, string, string] = [
    idx.addInitializer(intTensor(idx.unique(`${name}_quantized`), QUANT_TYPE_ONNX.uint8, dims, qw.data)),
    idx.addInitializer(floatTensor(idx.unique(`${name}_scale`), [], qw.scales)),
    idx.addInitializer(intTensor(idx.unique(`${name}_zero_point`), QUANT_TYPE_ONNX.uint8, [], qw.zeroPoints)),
  ];
  done.set(name, names);
  return names;
}

export function quantizeDynamic(model: ModelProto, o: DynamicOptions): { quantizedNodes: string[]; weights: WeightInfo[] } {
  const g = model.graph!;
  topoSort(g);
  let idx = new GraphIndex(g);
  if (o.opTypes.has('Gemm') || o.opTypes.has('MatMul')) {
    for (const n of [...g.node]) {
      if (n.opType === 'Gemm' && !o.excludeNodes.has(n.name) && (!n.domain || n.domain === 'ai.onnx')) {
        if (splitGemm(model, idx, n, o.external)) idx = new GraphIndex(g);
      }
    }
  }
  const wType = o.weightType;
  const wOnnx = QUANT_TYPE_ONNX[wType];
  const symmetric = o.weightSymmetric ?? isSignedQuantType(wType);
  const dql = new Map<string, [string, string, string]>();
  const quantized: string[] = [];
  const weights: WeightInfo[] = [];
  const dynQuant = (x: string, newNodes: NodeProto[]) => {
    let r = dql.get(x);
    if (!r) {
      r = [idx.unique(`${x}_quantized`), idx.unique(`${x}_scale`), idx.unique(`${x}_zero_point`)];
      newNodes.push(makeNode('DynamicQuantizeLinear', [x], r, {}, idx.unique(`${x}_QuantizeLinear`)));
      dql.set(x, r);
    }
    return r;
  };
  const out: NodeProto[] = [];
  const gatherData = new Map<string, [string, string, string]>();
  for (const n of g.node) {
    if (n.opType === 'Gather' && o.opTypes.has('Gather') && (!n.domain || n.domain === 'ai.onnx') && !o.excludeNodes.has(n.name)) {
      const q = quantizeGatherData(n, idx, gatherData, o.external);
      if (q) {
        // ONNX Runtime's GatherQuant: gather the uint8 table, dequantize what was gathered.
        const gathered = idx.unique(`${n.output[0]}_quantized`);
        const y = n.output[0];
        const table = n.input[0];
        n.input[0] = q[0];
        n.output[0] = gathered;
        out.push(n, makeNode('DequantizeLinear', [gathered, q[1], q[2]], [y], {}, idx.unique(`${y}_DequantizeLinear`)));
        weights.push({ tensor: table, node: n.name, channels: 1, type: 'uint8' });
        quantized.push(n.name || y);
        continue;
      }
    }
    const eligible =
      (n.opType === 'MatMul' || n.opType === 'Conv') &&
      o.opTypes.has(n.opType === 'Conv' ? 'Conv' : n.name.endsWith('_MatMul') ? 'Gemm' : 'MatMul') &&
      (!n.domain || n.domain === 'ai.onnx') &&
      !o.excludeNodes.has(n.name);
    const w = eligible ? idx.constant(n.input[1]) : undefined;
    if (!w || w.dataType !== DT.FLOAT || (n.opType === 'MatMul' && dimsOf(w).length !== 2)) {
      out.push(n);
      continue;
    }
    const dims = dimsOf(w);
    // Per channel: MatMul per column (MatMulInteger takes a [N] zero point). ConvInteger kernels
    // (ONNX Runtime's among them) take only a scalar weight zero point, so a Conv goes per output
    // channel only when every channel's zero point is the same (symmetric weights): the per-channel
    // scales then ride on the float rescale after ConvInteger, shaped [1, M, 1, …] to broadcast.
    const data = toFloat32(w, o.external);
    let axis = o.perChannel ? (n.opType === 'MatMul' ? 1 : 0) : undefined;
    let qw = quantizeWeight(data, dims, wType, { symmetric, reduceRange: o.reduceRange, axis });
    if (n.opType === 'Conv' && axis !== undefined && !qw.zeroPoints.every((z) => z === qw.zeroPoints[0])) {
      axis = undefined;
      qw = quantizeWeight(data, dims, wType, { symmetric, reduceRange: o.reduceRange });
    }
    const convPerChannel = n.opType === 'Conv' && axis !== undefined;
    const sDims = axis === undefined ? [] : convPerChannel ? dims.map((d, k) => (k === 1 ? dims[0] : 1)) : [dims[1]];
    const wq = idx.addInitializer(intTensor(idx.unique(`${n.input[1]}_quantized`), wOnnx, dims, qw.data));
    const ws = idx.addInitializer(floatTensor(idx.unique(`${n.input[1]}_scale`), sDims, qw.scales));
    const wz = idx.addInitializer(
      intTensor(idx.unique(`${n.input[1]}_zero_point`), wOnnx, convPerChannel ? [] : sDims, convPerChannel ? [qw.zeroPoints[0]] : qw.zeroPoints),
    );
    weights.push({ tensor: n.input[1], node: n.name, axis, channels: qw.scales.length, type: wType });
    quantized.push(n.name || n.output[0]);
    const y = n.output[0];
    if (n.opType === 'MatMul' && o.fused) {
      out.push(makeNode('DynamicQuantizeMatMul', [n.input[0], wq, ws, wz], [y], {}, `${n.name}_quant`, 'com.microsoft'));
      continue;
    }
    const [xq, xs, xz] = dynQuant(n.input[0], out);
    const scaleMul = idx.unique(`${n.name}_quant_scales_mul:0`);
    out.push(makeNode('Mul', [xs, ws], [scaleMul], {}, idx.unique(`${n.name}_quant_scales_mul`)));
    const intOut = idx.unique(`${y}_output_quantized`);
    const castOut = idx.unique(`${y}_output_quantized_cast_output`);
    if (n.opType === 'MatMul') {
      out.push(makeNode('MatMulInteger', [xq, wq, xz, wz], [intOut], {}, idx.unique(`${n.name}_quant`)));
      out.push(makeNode('Cast', [intOut], [castOut], { to: DT.FLOAT }, idx.unique(`${y}_output_quantized_cast`)));
      out.push(makeNode('Mul', [castOut, scaleMul], [y], {}, idx.unique(`${n.name}_quant_output_scale_mul`)));
    } else {
      const ci = makeNode('ConvInteger', [xq, wq, xz, wz], [intOut], {}, idx.unique(`${n.name}_quant`));
      ci.attribute = n.attribute;
      out.push(ci);
      out.push(makeNode('Cast', [intOut], [castOut], { to: DT.FLOAT }, idx.unique(`${y}_output_quantized_cast`)));
      const bias = n.input[2];
      const scaled = bias ? idx.unique(`${y}_quant_scaled_output`) : y;
      out.push(makeNode('Mul', [castOut, scaleMul], [scaled], {}, idx.unique(`${n.name}_quant_output_scale_mul`)));
      if (bias) {
        const shapeValues = [1, -1, ...new Array(Math.max(0, dims.length - 2)).fill(1)];
        const shape = idx.addInitializer(int64Tensor(idx.unique(`${y}_bias_reshape_shape`), [shapeValues.length], shapeValues));
        const reshaped = idx.unique(`${y}_bias_reshape_output`);
        out.push(makeNode('Reshape', [bias, shape], [reshaped], {}, idx.unique(`${y}_bias_reshape`)));
        out.push(makeNode('Add', [scaled, reshaped], [y], {}, idx.unique(`${y}_bias_add`)));
      }
    }
  }
  g.node = out;
  removeUnusedInitializers(g);
  topoSort(g);
  ensureOpset(model, '', 11);
  if (o.fused) ensureOpset(model, 'com.microsoft', 1);
  return { quantizedNodes: quantized, weights };
}
