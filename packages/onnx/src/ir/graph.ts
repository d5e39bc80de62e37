import { create } from '@bufbuild/protobuf';
import { GraphProtoSchema, type GraphProto, type TensorProto } from '../proto.js';
import { OnnxValidationError } from '../errors.js';
import { AttributeType } from './attributes.js';
import { shallowClone } from './clone.js';
import { Node } from './node.js';
import { Value } from './value.js';
import type { Dim } from './types.js';

interface GraphIndex {
  producer: Map<string, Node>;
  consumers: Map<string, Node[]>;
  /** Names this graph's nodes (or nested subgraphs) read from enclosing scopes. */
  outerRefs: Set<string>;
  /** Per node: outer names its subgraphs read (the node's implicit inputs). */
  implicit: Map<Node, Set<string>>;
  /** Names defined in this graph (inputs, initializers, node outputs). */
  defined: Set<string>;
}

/**
 * A graph: nodes in order, inputs/outputs/value_info as Values, initializers by name, and
 * lazily built producer/consumer maps (rebuilt after any rewrite helper, or `invalidate()`).
 * Other GraphProto fields (doc string, sparse initializers, quantization annotations, metadata,
 * unknown fields) stay on `proto` and are written back by `toProto()`.
 */
export class Graph {
  /** Marker used to tell IR graphs from GraphProto messages. */
  readonly $irGraph = true;
  nodes: Node[] = [];
  inputs: Value[] = [];
  outputs: Value[] = [];
  valueInfo: Value[] = [];
  readonly initializers = new Map<string, TensorProto>();
  /** Enclosing graph for If/Loop/Scan bodies. */
  parent: Graph | undefined;
  private index: GraphIndex | undefined;

  constructor(readonly proto: GraphProto = create(GraphProtoSchema, {})) {}

  static create(name: string): Graph {
    return new Graph(create(GraphProtoSchema, { name }));
  }

  static fromProto(gp: GraphProto, parent?: Graph): Graph {
    const g = new Graph(gp);
    g.parent = parent;
    g.inputs = gp.input.map((v) => new Value(v));
    g.outputs = gp.output.map((v) => new Value(v));
    g.valueInfo = gp.valueInfo.map((v) => new Value(v));
    for (const t of gp.initializer) g.initializers.set(t.name, t);
    g.nodes = gp.node.map((np) => {
      const n = new Node(np);
      n.graph = g;
      for (const a of np.attribute) {
        if (a.type === AttributeType.GRAPH && a.g) n.subgraphs.set(a.name, Graph.fromProto(a.g, g));
        else if (a.type === AttributeType.GRAPHS && a.graphs.length) n.subgraphs.set(a.name, a.graphs.map((sg) => Graph.fromProto(sg, g)));
      }
      return n;
    });
    return g;
  }

  get name(): string {
    return this.proto.name;
  }
  set name(v: string) {
    this.proto.name = v;
  }

  toProto(): GraphProto {
    const p = shallowClone(this.proto);
    p.node = this.nodes.map((n) => n.toProto());
    p.initializer = [...this.initializers.values()];
    p.input = this.inputs.map((v) => v.info);
    p.output = this.outputs.map((v) => v.info);
    p.valueInfo = this.valueInfo.map((v) => v.info);
    return p;
  }

  // ---------------------------------------------------------------- queries

  /** Drop cached maps; call after mutating node inputs/outputs directly. */
  invalidate(): void {
    this.index = undefined;
    this.parent?.invalidate();
  }

  private idx(): GraphIndex {
    if (this.index) return this.index;
    const producer = new Map<string, Node>();
    const consumers = new Map<string, Node[]>();
    const implicit = new Map<Node, Set<string>>();
    const outerRefs = new Set<string>();
    const defined = this.definedNames();
    const use = (name: string, n: Node) => {
      if (!name) return;
      const list = consumers.get(name);
      if (!list) consumers.set(name, [n]);
      else if (list[list.length - 1] !== n) list.push(n);
      if (!defined.has(name)) outerRefs.add(name);
    };
    for (const n of this.nodes) {
      for (const o of n.outputs) if (o && !producer.has(o)) producer.set(o, n);
      for (const i of n.inputs) use(i, n);
      if (n.subgraphs.size) {
        const refs = new Set<string>();
        for (const sg of n.allSubgraphs()) for (const r of sg.idx().outerRefs) refs.add(r);
        implicit.set(n, refs);
        for (const r of refs) use(r, n);
      }
    }
    for (const o of this.outputs) if (o.name && !defined.has(o.name)) outerRefs.add(o.name);
    this.index = { producer, consumers, outerRefs, implicit, defined };
    return this.index;
  }

  /** Names defined in this graph: inputs, initializers, node outputs. */
  definedNames(): Set<string> {
    const s = new Set<string>();
    for (const v of this.inputs) s.add(v.name);
    for (const k of this.initializers.keys()) s.add(k);
    // Sparse initializers stay on the proto, but their names are defined values all the same.
    for (const sp of this.proto.sparseInitializer) if (sp.values?.name) s.add(sp.values.name);
    for (const n of this.nodes) for (const o of n.outputs) if (o) s.add(o);
    return s;
  }

  /** The node producing `name` (undefined for graph inputs, initializers, outer values). */
  producer(name: string): Node | undefined {
    return this.idx().producer.get(name);
  }

  /** Nodes reading `name`, including nodes whose subgraphs read it (implicit inputs). */
  consumers(name: string): readonly Node[] {
    return this.idx().consumers.get(name) ?? [];
  }

  /** Outer-scope names a node's subgraphs read. */
  implicitInputs(node: Node): ReadonlySet<string> {
    return this.idx().implicit.get(node) ?? new Set();
  }

  /** Names read from enclosing graphs (non-empty only for subgraphs). */
  outerReferences(): ReadonlySet<string> {
    return this.idx().outerRefs;
  }

  isGraphOutput(name: string): boolean {
    return this.outputs.some((v) => v.name === name);
  }
  isGraphInput(name: string): boolean {
    return this.inputs.some((v) => v.name === name);
  }
  /** Graph inputs that are not initializers (what a caller must feed). */
  get feedInputs(): Value[] {
    return this.inputs.filter((v) => !this.initializers.has(v.name));
  }

  initializer(name: string): TensorProto | undefined {
    return this.initializers.get(name);
  }

  /** Type info for `name` from inputs, outputs or value_info (initializers: see shape inference). */
  value(name: string): Value | undefined {
    return this.inputs.find((v) => v.name === name) ?? this.outputs.find((v) => v.name === name) ?? this.valueInfo.find((v) => v.name === name);
  }

  /** Record a tensor type for `name` (updates the input/output entry, else value_info). */
  setValueType(name: string, elemType: number, shape?: readonly Dim[]): Value {
    let v = this.value(name);
    if (!v) {
      v = Value.create(name);
      this.valueInfo.push(v);
    }
    v.setType(elemType, shape);
    return v;
  }

  /** Nodes in an order where every producer precedes its consumers; stable for sorted graphs. Throws on cycles. */
  topologicalOrder(): Node[] {
    const { producer, implicit } = this.idx();
    const state = new Map<Node, number>(); // 1 = in progress, 2 = done
    const order: Node[] = [];
    const deps = (n: Node): Node[] => {
      const out: Node[] = [];
      for (const i of n.inputs) {
        const p = i ? producer.get(i) : undefined;
        if (p && p !== n) out.push(p);
        else if (p === n) out.push(n);
      }
      for (const r of implicit.get(n) ?? []) {
        const p = producer.get(r);
        if (p) out.push(p);
      }
      return out;
    };
    for (const root of this.nodes) {
      if (state.get(root) === 2) continue;
      const stack: { node: Node; deps: Node[]; i: number }[] = [{ node: root, deps: deps(root), i: 0 }];
      state.set(root, 1);
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top.i < top.deps.length) {
          const d = top.deps[top.i++];
          const s = state.get(d);
          if (s === 1) {
            throw new OnnxValidationError([{ code: 'cycle', message: `cycle through node ${d.label}`, where: `${this.name || 'graph'}/${d.label}` }]);
          }
          if (s === undefined) {
            state.set(d, 1);
            stack.push({ node: d, deps: deps(d), i: 0 });
          }
        } else {
          state.set(top.node, 2);
          order.push(top.node);
          stack.pop();
        }
      }
    }
    return order;
  }

  /** Reorder `nodes` topologically in place. */
  sortTopologically(): void {
    this.nodes = this.topologicalOrder();
  }

  /**
   * A name not used by any value or node in this graph (or its parents), based on `base`. The
   * returned name is reserved: later calls never return it again.
   */
  uniqueName(base: string): string {
    if (!this.names) {
      const used = new Set<string>();
      for (let g: Graph | undefined = this; g; g = g.parent) {
        for (const n of g.definedNames()) used.add(n);
        for (const n of g.nodes) {
          if (n.name) used.add(n.name);
          for (const i of n.inputs) used.add(i);
        }
        for (const v of g.outputs) used.add(v.name);
        for (const v of g.valueInfo) used.add(v.name);
      }
      this.names = used;
    }
    // Names added to the graph by hand since the set was built are caught here too.
    const taken = (n: string) => this.names!.has(n) || this.idx().defined.has(n);
    let name = base;
    for (let i = 1; taken(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  // ---------------------------------------------------------------- rewrites

  private checkNewOutputs(nodes: readonly Node[], ignoring?: Node): void {
    const issues = [];
    const { producer } = this.idx();
    const fresh = new Set<string>();
    for (const n of nodes) {
      for (const o of n.outputs) {
        if (!o) continue;
        const p = producer.get(o);
        if ((p && p !== ignoring) || this.initializers.has(o) || this.isGraphInput(o) || fresh.has(o)) {
          issues.push({ code: 'duplicate-output' as const, message: `value '${o}' is already defined`, where: `${this.name || 'graph'}/${n.label}` });
        }
        fresh.add(o);
      }
    }
    if (issues.length) throw new OnnxValidationError(issues);
  }

  private adopt(n: Node): void {
    n.graph = this;
    for (const sg of n.allSubgraphs()) sg.parent = this;
  }

  /**
   * Add a node. Without `index` it goes right after the last producer of its inputs, which keeps
   * a sorted graph sorted. Throws if one of its outputs is already defined.
   */
  addNode(node: Node, index?: number): Node {
    this.checkNewOutputs([node]);
    if (index === undefined) {
      const { producer } = this.idx();
      let lo = -1;
      for (const i of node.inputs) {
        const p = i ? producer.get(i) : undefined;
        if (p) lo = Math.max(lo, this.nodes.indexOf(p) + 1);
      }
      let hi = this.nodes.length;
      for (const o of node.outputs) for (const c of this.consumers(o)) hi = Math.min(hi, this.nodes.indexOf(c));
      // After the last producer if there is one, else before the first consumer (or at the end).
      index = lo >= 0 ? Math.min(lo, hi) : hi;
    }
    this.nodes.splice(index, 0, node);
    this.adopt(node);
    this.reserve(node);
    const ix = this.index;
    if (ix && node.subgraphs.size === 0) {
      // Update the maps in place: builders and passes add nodes one at a time.
      for (const o of node.outputs) {
        if (!o) continue;
        if (!ix.producer.has(o)) ix.producer.set(o, node);
        ix.defined.add(o);
        ix.outerRefs.delete(o);
      }
      for (const i of node.inputs) {
        if (!i) continue;
        const list = ix.consumers.get(i);
        if (!list) ix.consumers.set(i, [node]);
        else if (!list.includes(node)) list.push(node);
        if (!ix.defined.has(i)) ix.outerRefs.add(i);
      }
      this.parent?.invalidate();
    } else this.invalidate();
    return node;
  }

  /** Grow-only set of every name seen, so uniqueName stays O(1) per call after the first. */
  private names: Set<string> | undefined;

  private reserve(node: Node): void {
    if (!this.names) return;
    if (node.name) this.names.add(node.name);
    for (const n of node.inputs) this.names.add(n);
    for (const n of node.outputs) this.names.add(n);
  }

  insertBefore(ref: Node, node: Node): Node {
    const i = this.nodes.indexOf(ref);
    if (i < 0) throw new Error(`node ${ref.label} is not in graph ${this.name}`);
    return this.addNode(node, i);
  }

  insertAfter(ref: Node, node: Node): Node {
    const i = this.nodes.indexOf(ref);
    if (i < 0) throw new Error(`node ${ref.label} is not in graph ${this.name}`);
    return this.addNode(node, i + 1);
  }

  /**
   * Remove a node. Throws if one of its outputs is still consumed or is a graph output, unless
   * `force` (then the graph may be left invalid until you fix it).
   */
  removeNode(node: Node, opts: { force?: boolean } = {}): void {
    const i = this.nodes.indexOf(node);
    if (i < 0) throw new Error(`node ${node.label} is not in graph ${this.name}`);
    if (!opts.force) {
      const issues = [];
      for (const o of node.outputs) {
        if (!o) continue;
        const users = this.consumers(o).filter((c) => c !== node);
        if (users.length || this.isGraphOutput(o)) {
          issues.push({ code: 'dangling-input' as const, message: `removing ${node.label} leaves '${o}' without a producer (used by ${users.map((u) => u.label).join(', ') || 'graph output'})`, where: `${this.name || 'graph'}/${node.label}` });
        }
      }
      if (issues.length) throw new OnnxValidationError(issues);
    }
    this.nodes.splice(i, 1);
    node.graph = undefined;
    const ix = this.index;
    if (!ix || node.subgraphs.size || opts.force) return this.invalidate();
    for (const o of node.outputs) {
      if (!o || ix.producer.get(o) !== node) continue;
      // Defined elsewhere too (input, initializer, a duplicate producer): rebuild instead.
      if (this.initializers.has(o) || this.isGraphInput(o)) return this.invalidate();
      ix.producer.delete(o);
      ix.defined.delete(o);
    }
    for (const inp of node.inputs) {
      const list = inp ? ix.consumers.get(inp) : undefined;
      if (!list) continue;
      const k = list.indexOf(node);
      if (k >= 0) list.splice(k, 1);
      if (list.length === 0) {
        ix.consumers.delete(inp);
        if (!this.isGraphOutput(inp)) ix.outerRefs.delete(inp);
      }
    }
    this.parent?.invalidate();
  }

  /**
   * Replace `old` with `replacement` nodes at its position. Every output of `old` that is still
   * used must be produced by the replacement.
   */
  replaceNode(old: Node, replacement: Node | readonly Node[]): void {
    const news = Array.isArray(replacement) ? replacement : [replacement as Node];
    const i = this.nodes.indexOf(old);
    if (i < 0) throw new Error(`node ${old.label} is not in graph ${this.name}`);
    this.checkNewOutputs(news, old);
    const produced = new Set(news.flatMap((n) => n.outputs));
    const issues = [];
    for (const o of old.outputs) {
      if (!o || produced.has(o)) continue;
      if (this.consumers(o).some((c) => c !== old) || this.isGraphOutput(o)) {
        issues.push({ code: 'dangling-input' as const, message: `replacement of ${old.label} does not produce '${o}'`, where: `${this.name || 'graph'}/${old.label}` });
      }
    }
    if (issues.length) throw new OnnxValidationError(issues);
    this.nodes.splice(i, 1, ...news);
    old.graph = undefined;
    for (const n of news) this.adopt(n);
    this.invalidate();
  }

  /** Point one input slot of a node at another value. */
  setNodeInput(node: Node, index: number, name: string): void {
    const old = node.inputs[index];
    node.inputs[index] = name;
    this.names?.add(name);
    const ix = this.index;
    if (!ix || node.subgraphs.size || node.graph !== this) return this.invalidate();
    if (old && !node.inputs.includes(old)) {
      const list = ix.consumers.get(old);
      if (list) {
        const k = list.indexOf(node);
        if (k >= 0) list.splice(k, 1);
        if (list.length === 0) {
          ix.consumers.delete(old);
          if (!this.isGraphOutput(old)) ix.outerRefs.delete(old);
        }
      }
    }
    if (name) {
      const list = ix.consumers.get(name);
      if (!list) ix.consumers.set(name, [node]);
      else if (!list.includes(node)) list.push(node);
      if (!ix.defined.has(name)) ix.outerRefs.add(name);
    }
    this.parent?.invalidate();
  }

  /** Rename one output of a node only (its readers keep the old name; see renameValue for all). */
  setNodeOutput(node: Node, index: number, name: string): void {
    const old = node.outputs[index];
    node.outputs[index] = name;
    this.names?.add(name);
    const ix = this.index;
    if (!ix || node.graph !== this) return this.invalidate();
    if (old && ix.producer.get(old) === node && !node.outputs.includes(old)) {
      // `old` also defined as input/initializer: rebuild rather than guess.
      if (this.initializers.has(old) || this.isGraphInput(old)) return this.invalidate();
      ix.producer.delete(old);
      ix.defined.delete(old);
      if (ix.consumers.has(old)) ix.outerRefs.add(old);
      // (A second producer of `old` would be a duplicate output, which the validator reports.)
    }
    if (name) {
      if (!ix.producer.has(name)) ix.producer.set(name, node);
      ix.defined.add(name);
      ix.outerRefs.delete(name);
    }
    this.parent?.invalidate();
  }

  /** Make every reader of `from` read `to` instead (subgraphs too, unless they shadow it). Returns the count. */
  replaceAllUses(from: string, to: string, opts: { includeGraphOutputs?: boolean } = {}): number {
    let count = 0;
    for (const n of this.nodes) {
      for (let k = 0; k < n.inputs.length; k++) {
        if (n.inputs[k] === from) {
          n.inputs[k] = to;
          count++;
        }
      }
      for (const sg of n.allSubgraphs()) count += sg.renameOuterReference(from, to);
    }
    if (opts.includeGraphOutputs) {
      for (const v of this.outputs) if (v.name === from) v.name = to;
    }
    this.invalidate();
    return count;
  }

  /** Rename references to an outer value inside this subgraph (stops where it is shadowed). */
  private renameOuterReference(from: string, to: string): number {
    if (this.definedNames().has(from)) return 0;
    let count = 0;
    for (const n of this.nodes) {
      for (let k = 0; k < n.inputs.length; k++) {
        if (n.inputs[k] === from) {
          n.inputs[k] = to;
          count++;
        }
      }
      for (const sg of n.allSubgraphs()) count += sg.renameOuterReference(from, to);
    }
    for (const v of this.outputs) {
      if (v.name === from) {
        v.name = to;
        count++;
      }
    }
    this.index = undefined;
    return count;
  }

  /** Rename a value everywhere it appears: producer, consumers, subgraph references, inputs/outputs/value_info, initializer. */
  renameValue(from: string, to: string): void {
    if (from === to) return;
    if (this.definedNames().has(to) || this.value(to) || this.consumers(to).length) {
      throw new OnnxValidationError([{ code: 'duplicate-name', message: `cannot rename '${from}' to '${to}': name in use`, where: this.name || 'graph' }]);
    }
    for (const n of this.nodes) {
      for (let k = 0; k < n.outputs.length; k++) if (n.outputs[k] === from) n.outputs[k] = to;
    }
    this.replaceAllUses(from, to);
    for (const v of [...this.inputs, ...this.outputs, ...this.valueInfo]) if (v.name === from) v.name = to;
    const t = this.initializers.get(from);
    if (t) {
      // Keep Map order (and so the serialised order) stable.
      const entries = [...this.initializers.entries()];
      this.initializers.clear();
      for (const [k, v] of entries) this.initializers.set(k === from ? to : k, v);
      t.name = to;
    }
    this.invalidate();
  }

  addInitializer(t: TensorProto): void {
    if (this.initializers.has(t.name) || this.producer(t.name)) {
      throw new OnnxValidationError([{ code: 'duplicate-output', message: `value '${t.name}' is already defined`, where: this.name || 'graph' }]);
    }
    this.initializers.set(t.name, t);
    this.names?.add(t.name);
    const ix = this.index;
    if (ix) {
      ix.defined.add(t.name);
      ix.outerRefs.delete(t.name);
      this.parent?.invalidate();
    } else this.invalidate();
  }

  /** Remove an initializer (and its graph-input entry, if the model lists initializers as inputs). */
  removeInitializer(name: string): TensorProto | undefined {
    const t = this.initializers.get(name);
    this.initializers.delete(name);
    this.inputs = this.inputs.filter((v) => v.name !== name);
    this.invalidate();
    return t;
  }

  /** Remove nodes whose outputs nobody uses (repeatedly) and initializers nobody reads. Returns removed node count. */
  removeUnusedNodes(): number {
    let removed = 0;
    for (;;) {
      const dead = this.nodes.filter((n) => n.outputs.every((o) => !o || (this.consumers(o).length === 0 && !this.isGraphOutput(o))));
      if (!dead.length) break;
      const deadSet = new Set(dead);
      this.nodes = this.nodes.filter((n) => !deadSet.has(n));
      removed += dead.length;
      this.invalidate();
    }
    for (const name of [...this.initializers.keys()]) {
      if (this.consumers(name).length === 0 && !this.isGraphOutput(name)) this.removeInitializer(name);
    }
    return removed;
  }
}
