// Small editing helpers over an ONNX ModelProto (onnx-buf messages), shared by every pass.
import { create } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';
import { QuantizerError } from '../errors.js';

export type AttrValue = number | number[] | string | TensorProto | { floats: number[] } | { float: number };

const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export function makeAttr(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return create(AttributeProtoSchema, { name, type: ATTR.INT, i: BigInt(Math.trunc(v)) });
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: ATTR.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: ATTR.INTS, ints: v.map((x) => BigInt(x)) });
  if ('floats' in v && Array.isArray(v.floats)) return create(AttributeProtoSchema, { name, type: ATTR.FLOATS, floats: v.floats });
  if ('float' in v && typeof v.float === 'number') return create(AttributeProtoSchema, { name, type: ATTR.FLOAT, f: v.float });
  return create(AttributeProtoSchema, { name, type: ATTR.TENSOR, t: v as TensorProto });
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue | undefined> = {},
  name = '',
  domain = '',
): NodeProto {
  const attribute = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => makeAttr(k, v as AttrValue));
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, attribute, name, domain });
}

export function getAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}
export function attrInt(node: NodeProto, name: string, def: number): number {
  const a = getAttr(node, name);
  return a ? Number(a.i) : def;
}
export function attrFloat(node: NodeProto, name: string, def: number): number {
  const a = getAttr(node, name);
  return a ? a.f : def;
}
export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = getAttr(node, name);
  return a ? a.ints.map(Number) : undefined;
}
export function attrString(node: NodeProto, name: string): string | undefined {
  const a = getAttr(node, name);
  return a ? new TextDecoder().decode(a.s) : undefined;
}
export function setAttr(node: NodeProto, name: string, v: AttrValue): void {
  node.attribute = node.attribute.filter((a) => a.name !== name);
  node.attribute.push(makeAttr(name, v));
}
export function removeAttr(node: NodeProto, name: string): void {
  node.attribute = node.attribute.filter((a) => a.name !== name);
}

export function opsetVersion(model: ModelProto, domain = ''): number | undefined {
  const d = domain === 'ai.onnx' ? '' : domain;
  const o = model.opsetImport.find((x) => (x.domain === 'ai.onnx' ? '' : x.domain) === d);
  return o ? Number(o.version) : undefined;
}
export function setOpset(model: ModelProto, domain: string, version: number): void {
  const o = model.opsetImport.find((x) => x.domain === domain || (domain === '' && x.domain === 'ai.onnx'));
  if (o) o.version = BigInt(version);
  else model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }));
}
export function ensureOpset(model: ModelProto, domain: string, version: number): void {
  const v = opsetVersion(model, domain);
  if (v === undefined || v < version) setOpset(model, domain, version);
}

/** Indexes over one graph, rebuilt on demand after edits. */
export class GraphIndex {
  readonly inits = new Map<string, TensorProto>();
  readonly producer = new Map<string, NodeProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly graphInputs = new Set<string>();
  readonly graphOutputs = new Set<string>();
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly graph: GraphProto) {
    this.rebuild();
  }

  rebuild(): void {
    this.inits.clear();
    this.producer.clear();
    this.consumers.clear();
    this.graphInputs.clear();
    this.graphOutputs.clear();
    for (const t of this.graph.initializer) {
      this.inits.set(t.name, t);
      this.names.add(t.name);
    }
    for (const i of this.graph.input) {
      this.graphInputs.add(i.name);
      this.names.add(i.name);
    }
    for (const o of this.graph.output) this.graphOutputs.add(o.name);
    for (const n of this.graph.node) {
      if (n.name) this.names.add(n.name);
      for (const o of n.output) {
        if (o) this.producer.set(o, n);
        this.names.add(o);
      }
      for (const i of n.input) {
        if (!i) continue;
        let c = this.consumers.get(i);
        if (!c) this.consumers.set(i, (c = []));
        if (!c.includes(n)) c.push(n);
      }
    }
  }

  /** A name not used by any value, initializer or node in the graph. */
  unique(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  addInitializer(t: TensorProto): string {
    if (this.inits.has(t.name)) throw new QuantizerError(`initializer '${t.name}' already exists`);
    this.graph.initializer.push(t);
    this.inits.set(t.name, t);
    this.names.add(t.name);
    return t.name;
  }

  /** Constant value of a tensor name: an initializer that is not overridable by a graph input. */
  constant(name: string): TensorProto | undefined {
    if (this.graphInputs.has(name)) return undefined;
    return this.inits.get(name);
  }

  consumersOf(name: string): NodeProto[] {
    return this.consumers.get(name) ?? [];
  }
}

/** Drop initializers (and their graph-input entries) that no node or output references. */
export function removeUnusedInitializers(graph: GraphProto): void {
  const used = new Set<string>();
  for (const n of graph.node) for (const i of n.input) used.add(i);
  for (const o of graph.output) used.add(o.name);
  // subgraph references (If/Loop bodies) count as uses
  const visit = (g: GraphProto) => {
    for (const n of g.node) {
      for (const i of n.input) used.add(i);
      for (const a of n.attribute) {
        if (a.g) visit(a.g);
        for (const sg of a.graphs) visit(sg);
      }
    }
  };
  visit(graph);
  const removed = new Set(graph.initializer.filter((t) => !used.has(t.name)).map((t) => t.name));
  graph.initializer = graph.initializer.filter((t) => !removed.has(t.name));
  // IR < 4 models also list initializers as graph inputs
  graph.input = graph.input.filter((i) => !removed.has(i.name));
}

/** Kahn topological order; throws on a cycle. Keeps the original order where possible. */
export function topoSort(graph: GraphProto): void {
  const available = new Set<string>(['']);
  for (const t of graph.initializer) available.add(t.name);
  for (const i of graph.input) available.add(i.name);
  const outer = collectOuterScopeNames(graph);
  const pending = [...graph.node];
  const sorted: NodeProto[] = [];
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    for (let k = 0; k < pending.length; ) {
      const n = pending[k];
      if (n.input.every((i) => available.has(i) || outer.has(i)) && implicitInputsReady(n, available, outer)) {
        sorted.push(n);
        for (const o of n.output) available.add(o);
        pending.splice(k, 1);
        progress = true;
      } else k++;
    }
  }
  if (pending.length) {
    throw new QuantizerError(`graph has a cycle or a missing input at node '${pending[0].name || pending[0].opType}' (inputs ${pending[0].input.join(', ')})`);
  }
  graph.node = sorted;
}

function collectOuterScopeNames(_graph: GraphProto): Set<string> {
  return new Set();
}

function implicitInputsReady(n: NodeProto, available: Set<string>, outer: Set<string>): boolean {
  // Subgraph bodies may read outer-scope values; require those produced before the node.
  for (const a of n.attribute) {
    const gs = a.g ? [a.g] : a.graphs;
    for (const g of gs) {
      const local = new Set<string>([...g.initializer.map((t) => t.name), ...g.input.map((i) => i.name)]);
      for (const sn of g.node) for (const o of sn.output) local.add(o);
      for (const sn of g.node) for (const i of sn.input) if (i && !local.has(i) && !available.has(i) && !outer.has(i)) return false;
    }
  }
  return true;
}
