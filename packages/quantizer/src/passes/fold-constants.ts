import type { ModelProto, NodeProto, TensorProto } from 'onnx-buf';
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import { GraphIndex, attrInt, attrInts } from '../model/graph.js';
import { DT, dimsOf, elementCount, floatTensor, int64Tensor, toFloat32, toInts } from '../model/tensors.js';
import type { Pass, PassContext } from './pipeline.js';

function transpose(data: Float32Array, dims: number[], perm: number[]): { data: Float32Array; dims: number[] } {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]);
  const inStrides = new Array(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * dims[i + 1];
  const out = new Float32Array(data.length);
  const idx = new Array(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k] * inStrides[perm[k]];
    out[o] = data[src];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < outDims[k]) break;
      idx[k] = 0;
    }
  }
  return { data: out, dims: outDims };
}

/** Evaluates one node whose inputs are all constants, for the few ops that show up around weights. */
function evaluate(n: NodeProto, inputs: TensorProto[], ctx: PassContext): TensorProto | undefined {
  const out = n.output[0];
  const isFloat = (t: TensorProto) => t.dataType === DT.FLOAT;
  switch (n.opType) {
    case 'Identity':
      return create(TensorProtoSchema, { ...inputs[0], name: out });
    case 'Transpose': {
      if (!isFloat(inputs[0])) return undefined;
      const dims = dimsOf(inputs[0]);
      const perm = attrInts(n, 'perm') ?? dims.map((_, i) => dims.length - 1 - i);
      const r = transpose(toFloat32(inputs[0], ctx.external), dims, perm);
      return floatTensor(out, r.dims, r.data);
    }
    case 'Reshape': {
      if (!isFloat(inputs[0]) || !inputs[1]) return undefined;
      const dims = dimsOf(inputs[0]);
      const shape = toInts(inputs[1]);
      const total = elementCount(dims);
      const allowZero = attrInt(n, 'allowzero', 0);
      const outDims = shape.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
      const known = outDims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const resolved = outDims.map((d) => (d === -1 ? total / known : d));
      return floatTensor(out, resolved, toFloat32(inputs[0], ctx.external));
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      if (inputs[0].dataType !== DT.FLOAT && inputs[0].dataType !== DT.INT64) return undefined;
      const dims = dimsOf(inputs[0]);
      const axes = (inputs[1] ? toInts(inputs[1]) : attrInts(n, 'axes')) ?? [];
      let outDims: number[];
      if (n.opType === 'Unsqueeze') {
        const rank = dims.length + axes.length;
        const norm = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
        outDims = [];
        let k = 0;
        for (let i = 0; i < rank; i++) outDims.push(norm.has(i) ? 1 : dims[k++]);
      } else {
        const norm = new Set(axes.map((a) => (a < 0 ? a + dims.length : a)));
        outDims = dims.filter((d, i) => (norm.size ? !norm.has(i) : d !== 1));
      }
      return inputs[0].dataType === DT.FLOAT ? floatTensor(out, outDims, toFloat32(inputs[0], ctx.external)) : int64Tensor(out, outDims, toInts(inputs[0]));
    }
    case 'Cast': {
      const to = attrInt(n, 'to', 0);
      if (to === DT.FLOAT && (inputs[0].dataType === DT.FLOAT || inputs[0].dataType === DT.DOUBLE || inputs[0].dataType === DT.FLOAT16)) {
        return floatTensor(out, dimsOf(inputs[0]), toFloat32(inputs[0], ctx.external));
      }
      if (to === DT.FLOAT && (inputs[0].dataType === DT.INT64 || inputs[0].dataType === DT.INT32)) {
        return floatTensor(out, dimsOf(inputs[0]), Float32Array.from(toInts(inputs[0])));
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const FOLDABLE = new Set(['Identity', 'Transpose', 'Reshape', 'Unsqueeze', 'Squeeze', 'Cast']);

/** Folds nodes whose inputs are all initializers (weight transposes/reshapes/casts exported by PyTorch). */
export const foldConstants: Pass = {
  name: 'fold-constants',
  run(model: ModelProto, ctx: PassContext) {
    const g = model.graph!;
    const idx = new GraphIndex(g);
    let folded = 0;
    g.node = g.node.filter((n) => {
      if (!FOLDABLE.has(n.opType) || (n.domain && n.domain !== 'ai.onnx') || n.output.length !== 1) return true;
      if (idx.graphOutputs.has(n.output[0])) return true;
      const ins = n.input.filter((i) => i).map((i) => idx.constant(i));
      if (!ins.length || ins.some((t) => !t)) return true;
      const t = evaluate(n, ins as TensorProto[], ctx);
      if (!t) return true;
      g.initializer.push(t);
      idx.inits.set(t.name, t);
      folded++;
      return false;
    });
    return { model, changed: folded > 0, detail: `${folded} nodes folded` };
  },
};
