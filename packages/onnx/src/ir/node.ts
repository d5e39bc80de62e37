import { create } from '@bufbuild/protobuf';
import { NodeProtoSchema, type AttributeProto, type NodeProto, type TensorProto } from '../proto.js';
import { AttributeType, attributeValue, makeAttribute } from './attributes.js';
import { shallowClone } from './clone.js';
import type { Graph } from './graph.js';

const utf8 = new TextDecoder();

/**
 * One operator application. Backed by its NodeProto (doc strings, overload, metadata and unknown
 * fields survive); `inputs`/`outputs` are the proto's own arrays ('' marks an omitted optional
 * input). Graph-valued attributes (If/Loop/Scan bodies) are held as IR subgraphs in `subgraphs`.
 *
 * Mutating `inputs`/`outputs` directly is allowed, but then call `graph.invalidate()`; the
 * rewrite helpers on Graph do that for you.
 */
export class Node {
  /** Owning graph, set when the node is added to one. */
  graph: Graph | undefined;
  /** Subgraph attributes: attribute name → graph (GRAPH) or graphs (GRAPHS). */
  readonly subgraphs = new Map<string, Graph | Graph[]>();

  constructor(readonly proto: NodeProto) {}

  static create(opType: string, inputs: readonly string[], outputs: readonly string[], opts: { name?: string; domain?: string } = {}): Node {
    const p = create(NodeProtoSchema, { opType, input: [...inputs], output: [...outputs] });
    if (opts.name !== undefined) p.name = opts.name;
    if (opts.domain !== undefined && opts.domain !== '' && opts.domain !== 'ai.onnx') p.domain = opts.domain;
    return new Node(p);
  }

  get opType(): string {
    return this.proto.opType;
  }
  set opType(v: string) {
    this.proto.opType = v;
  }
  /** '' for the default ONNX domain ('ai.onnx' is normalised to ''). */
  get domain(): string {
    return this.proto.domain === 'ai.onnx' ? '' : this.proto.domain;
  }
  set domain(v: string) {
    this.proto.domain = v;
  }
  get name(): string {
    return this.proto.name;
  }
  set name(v: string) {
    this.proto.name = v;
  }
  get inputs(): string[] {
    return this.proto.input;
  }
  get outputs(): string[] {
    return this.proto.output;
  }

  /** A printable identity: name if set, else op type and first output. */
  get label(): string {
    return this.proto.name || `${this.proto.opType}(${this.proto.output[0] ?? ''})`;
  }

  attribute(name: string): AttributeProto | undefined {
    return this.proto.attribute.find((a) => a.name === name);
  }
  hasAttribute(name: string): boolean {
    return this.attribute(name) !== undefined;
  }
  /** Plain value of an attribute (see attributeValue), or `dflt`. */
  attr<T = unknown>(name: string, dflt?: T): T {
    const a = this.attribute(name);
    return a === undefined ? (dflt as T) : (attributeValue(a) as T);
  }
  getInt(name: string, dflt?: number): number | undefined {
    const a = this.attribute(name);
    return a ? Number(a.i) : dflt;
  }
  getFloat(name: string, dflt?: number): number | undefined {
    const a = this.attribute(name);
    return a ? a.f : dflt;
  }
  getInts(name: string, dflt?: number[]): number[] | undefined {
    const a = this.attribute(name);
    return a ? a.ints.map(Number) : dflt;
  }
  getFloats(name: string, dflt?: number[]): number[] | undefined {
    const a = this.attribute(name);
    return a ? a.floats : dflt;
  }
  getString(name: string, dflt?: string): string | undefined {
    const a = this.attribute(name);
    return a ? utf8.decode(a.s) : dflt;
  }
  getStrings(name: string, dflt?: string[]): string[] | undefined {
    const a = this.attribute(name);
    return a ? a.strings.map((s) => utf8.decode(s)) : dflt;
  }
  getTensor(name: string): TensorProto | undefined {
    return this.attribute(name)?.t;
  }
  /** The IR subgraph of a GRAPH attribute. */
  getGraph(name: string): Graph | undefined {
    const g = this.subgraphs.get(name);
    return Array.isArray(g) ? undefined : g;
  }

  /** Set (or replace, in place) an attribute; see makeAttribute for type inference. Graph values go to `subgraphs`. */
  setAttribute(name: string, value: unknown): void {
    if (isIrGraph(value) || (Array.isArray(value) && value.length > 0 && value.every(isIrGraph))) {
      const a = makeAttribute(name, { $attr: isIrGraph(value) ? AttributeType.GRAPH : AttributeType.GRAPHS, value: isIrGraph(value) ? value.proto : (value as Graph[]).map((g) => g.proto) });
      this.putAttribute(a);
      this.subgraphs.set(name, value as Graph | Graph[]);
      for (const g of Array.isArray(value) ? (value as Graph[]) : [value as Graph]) g.parent = this.graph;
      this.graph?.invalidate();
      return;
    }
    this.putAttribute(makeAttribute(name, value));
    this.subgraphs.delete(name);
  }

  private putAttribute(a: AttributeProto): void {
    const i = this.proto.attribute.findIndex((x) => x.name === a.name);
    if (i >= 0) this.proto.attribute[i] = a;
    else this.proto.attribute.push(a);
  }

  removeAttribute(name: string): void {
    this.proto.attribute = this.proto.attribute.filter((a) => a.name !== name);
    if (this.subgraphs.delete(name)) this.graph?.invalidate();
  }

  /** All subgraphs, flattened. */
  allSubgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const g of this.subgraphs.values()) {
      if (Array.isArray(g)) out.push(...g);
      else out.push(g);
    }
    return out;
  }

  /** NodeProto with subgraph attributes re-serialised from the IR. */
  toProto(): NodeProto {
    if (this.subgraphs.size === 0) return this.proto;
    const p = shallowClone(this.proto);
    p.attribute = this.proto.attribute.map((a) => {
      const sg = this.subgraphs.get(a.name);
      if (!sg) return a;
      const c = shallowClone(a);
      if (Array.isArray(sg)) c.graphs = sg.map((g) => g.toProto());
      else c.g = sg.toProto();
      return c;
    });
    return p;
  }
}

function isIrGraph(v: unknown): v is Graph {
  return typeof v === 'object' && v !== null && (v as { $irGraph?: boolean }).$irGraph === true;
}
