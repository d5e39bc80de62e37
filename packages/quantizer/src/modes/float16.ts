// float32 → float16 conversion: float initializers and activations become float16, ops in the
// block list run in float32 behind Casts, and graph inputs/outputs optionally keep float32.
import type { ModelProto, NodeProto } from 'onnx-buf';
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, TypeProtoSchema, TypeProto_TensorSchema } from 'onnx-buf';
import { GraphIndex, getAttr, makeNode, removeUnusedInitializers, setAttr, topoSort } from '../model/graph.js';
import { inferElemTypes } from '../model/elem-types.js';
import { DT, dimsOf, float16Tensor, toFloat32, type ExternalLoader } from '../model/tensors.js';

/** ONNX Runtime's float16 converter default block list (ops without float16 kernels or numerics). */
export const DEFAULT_FLOAT16_BLOCK_OPS = [
  'ArrayFeatureExtractor', 'Binarizer', 'CastMap', 'CategoryMapper', 'DictVectorizer', 'FeatureVectorizer', 'Imputer',
  'LabelEncoder', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'OneHotEncoder', 'RandomUniformLike',
  'SVMClassifier', 'SVMRegressor', 'Scaler', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'ZipMap',
  'NonMaxSuppression', 'TopK', 'RoiAlign', 'Range', 'CumSum', 'Min', 'Max', 'Upsample',
];

export interface Float16Options {
  blockOps: ReadonlySet<string>;
  keepIoTypes: boolean;
  excludeNodes: ReadonlySet<string>;
  external?: ExternalLoader;
}

export function convertFloat16(model: ModelProto, o: Float16Options): { convertedNodes: string[] } {
  const g = model.graph!;
  topoSort(g);
  const types = inferElemTypes(g);
  const blocked = new Set([...DEFAULT_FLOAT16_BLOCK_OPS, ...o.blockOps]);
  const isBlocked = (n: NodeProto) => blocked.has(n.opType) || o.excludeNodes.has(n.name) || (!!n.domain && n.domain !== 'ai.onnx');
  const idx = new GraphIndex(g);
  const isF32 = (name: string) => types.get(name) === DT.FLOAT;
  // Which float32 tensors become float16: outputs of converted nodes and converted graph inputs.
  const half = new Set<string>();
  const newNodes: NodeProto[] = [];
  const toHalf = new Map<string, string>(); // float32 name → float16 copy (Cast) for converted consumers
  const toFloat = new Map<string, string>(); // float16 name → float32 copy for blocked consumers

  for (const vi of g.input) {
    if (idx.inits.has(vi.name) || !isF32(vi.name)) continue;
    if (!o.keepIoTypes) {
      setElemType(vi, DT.FLOAT16);
      half.add(vi.name);
    }
  }
  // Initializers: float16 copies made on demand.
  const halfInit = new Map<string, string>();
  const halfOf = (name: string, before: NodeProto[]): string => {
    if (half.has(name)) return name;
    const init = idx.constant(name);
    if (init && init.dataType === DT.FLOAT) {
      let h = halfInit.get(name);
      if (!h) {
        h = idx.unique(`${name}_fp16`);
        idx.addInitializer(float16Tensor(h, dimsOf(init), toFloat32(init, o.external)));
        halfInit.set(name, h);
      }
      return h;
    }
    let c = toHalf.get(name);
    if (!c) {
      c = idx.unique(`${name}_fp16`);
      before.push(makeNode('Cast', [name], [c], { to: DT.FLOAT16 }, idx.unique(`${name}_cast_fp16`)));
      toHalf.set(name, c);
    }
    return c;
  };
  const floatOf = (name: string, before: NodeProto[]): string => {
    let c = toFloat.get(name);
    if (!c) {
      c = idx.unique(`${name}_fp32`);
      before.push(makeNode('Cast', [name], [c], { to: DT.FLOAT }, idx.unique(`${name}_cast_fp32`)));
      toFloat.set(name, c);
    }
    return c;
  };
  const converted: string[] = [];
  for (const n of g.node) {
    const before: NodeProto[] = [];
    if (isBlocked(n)) {
      n.input = n.input.map((i) => (i && half.has(i) ? floatOf(i, before) : i));
      newNodes.push(...before, n);
      continue;
    }
    // Shape-only consumers don't care about the element type.
    n.input = n.input.map((i, k) => {
      if (!i || !isF32(i)) return i;
      if (n.opType === 'Resize' && k > 0) return i; // roi/scales stay float32
      return halfOf(i, before);
    });
    if (n.opType === 'Cast' && getAttr(n, 'to') && Number(getAttr(n, 'to')!.i) === DT.FLOAT) setAttr(n, 'to', DT.FLOAT16);
    if (n.opType === 'ConstantOfShape') {
      const v = getAttr(n, 'value')?.t;
      if (v && v.dataType === DT.FLOAT) setAttr(n, 'value', float16Tensor(v.name, dimsOf(v), toFloat32(v)));
    }
    for (const out of n.output) if (out && isF32(out)) half.add(out);
    converted.push(n.name || n.output[0]);
    newNodes.push(...before, n);
  }
  // Graph outputs: keep float32 through a Cast, or declare float16.
  const tail: NodeProto[] = [];
  for (const vo of g.output) {
    if (!half.has(vo.name)) continue;
    if (o.keepIoTypes) {
      const inner = idx.unique(`${vo.name}_fp16`);
      for (const n of newNodes) n.output = n.output.map((x) => (x === vo.name ? inner : x));
      for (const n of newNodes) n.input = n.input.map((x) => (x === vo.name ? inner : x));
      tail.push(makeNode('Cast', [inner], [vo.name], { to: DT.FLOAT }, idx.unique(`${vo.name}_cast_fp32`)));
    } else setElemType(vo, DT.FLOAT16);
  }
  g.node = [...newNodes, ...tail];
  // value_info entries for converted tensors would now lie about their type.
  g.valueInfo = g.valueInfo.filter((vi) => !half.has(vi.name));
  removeUnusedInitializers(g);
  topoSort(g);
  return { convertedNodes: converted };
}

function setElemType(vi: { type?: { value: { case?: string; value?: unknown } } }, elemType: number): void {
  const v = vi.type?.value;
  if (v?.case === 'tensorType') (v.value as { elemType: number }).elemType = elemType;
  else vi.type = create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType }) } }) as never;
  void TensorProtoSchema;
}
