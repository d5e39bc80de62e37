// Visit or copy-on-write every TensorProto of a model: initializers of every graph (subgraphs
// included) and TENSOR/TENSORS attributes (Constant values). Local functions are left alone.
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from './proto.js';
import { shallowClone } from './ir/clone.js';

export type TensorMapper = (t: TensorProto, where: string) => TensorProto;

/** A copy of `model` with `fn` applied to every tensor; untouched parts are shared, not copied. */
export function mapModelTensors(model: ModelProto, fn: TensorMapper): ModelProto {
  if (!model.graph) return model;
  const m = shallowClone(model);
  m.graph = mapGraph(model.graph, fn, model.graph.name || 'graph');
  return m;
}

function mapGraph(g: GraphProto, fn: TensorMapper, where: string): GraphProto {
  const c = shallowClone(g);
  c.initializer = g.initializer.map((t) => fn(t, `${where}/initializer:${t.name}`));
  c.node = g.node.map((n) => mapNode(n, fn, where));
  return c;
}

function mapNode(n: NodeProto, fn: TensorMapper, where: string): NodeProto {
  if (!n.attribute.some(hasTensors)) return n;
  const c = shallowClone(n);
  const label = `${where}/${n.name || n.opType}`;
  c.attribute = n.attribute.map((a) => {
    if (!hasTensors(a)) return a;
    const ca = shallowClone(a);
    if (a.t) ca.t = fn(a.t, `${label}:${a.name}`);
    if (a.tensors.length) ca.tensors = a.tensors.map((t, i) => fn(t, `${label}:${a.name}[${i}]`));
    if (a.g) ca.g = mapGraph(a.g, fn, `${label}:${a.name}`);
    if (a.graphs.length) ca.graphs = a.graphs.map((sg, i) => mapGraph(sg, fn, `${label}:${a.name}[${i}]`));
    return ca;
  });
  return c;
}

function hasTensors(a: AttributeProto): boolean {
  return a.t !== undefined || a.tensors.length > 0 || a.g !== undefined || a.graphs.length > 0;
}

/** Visit every tensor (same coverage as mapModelTensors). */
export function forEachModelTensor(model: ModelProto, fn: (t: TensorProto, where: string) => void): void {
  mapModelTensors(model, (t, w) => {
    fn(t, w);
    return t;
  });
}
