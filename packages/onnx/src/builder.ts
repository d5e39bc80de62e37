// Build models in code: inputs, initializers, nodes, outputs, subgraphs.
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, type TensorProto } from './proto.js';
import { toDataType, type DTypeLike } from './dtypes.js';
import { makeTensor, type TensorInput } from './tensor-codec.js';
import { Graph } from './ir/graph.js';
import { Model } from './ir/model.js';
import { Node } from './ir/node.js';
import { Value } from './ir/value.js';
import type { Dim } from './ir/types.js';
import { inferShapes } from './shape-inference.js';

/** Attributes for `node()`: plain values (see makeAttribute), `attr.*` typed values, or IR graphs. */
export type Attrs = Record<string, unknown>;

/**
 * Builds one graph. `ModelBuilder` adds opsets and model fields; `subgraph()` gives a
 * GraphBuilder for If/Loop bodies whose nodes may read the outer graph's values.
 */
export class GraphBuilder {
  readonly graph: Graph;
  private counter = 0;
  private declared: { name: string; dtype?: DTypeLike; shape?: readonly Dim[] }[] = [];

  constructor(name = 'main', parent?: Graph) {
    this.graph = Graph.create(name);
    this.graph.parent = parent;
  }

  /** Declare a graph input; returns its name. `shape` dims: numbers, symbolic strings or undefined. */
  input(name: string, dtype: DTypeLike, shape?: readonly Dim[]): string {
    this.graph.inputs.push(Value.create(name, toDataType(dtype), shape));
    this.graph.invalidate();
    return name;
  }

  /** Add an initializer (weights, constants); returns its name. */
  initializer(name: string, dtype: DTypeLike, dims: readonly number[], values?: TensorInput): string {
    this.graph.addInitializer(makeTensor(name, dtype, dims, values));
    return name;
  }

  /** Add an existing TensorProto as initializer; returns its name. */
  addTensor(t: TensorProto): string {
    this.graph.addInitializer(t);
    return t.name;
  }

  /** A fresh value name based on `base` (`base_0`, `base_1`, ...). */
  fresh(base: string): string {
    let n: string;
    do n = `${base}_${this.counter++}`;
    while (this.isTaken(n));
    return n;
  }

  private isTaken(n: string): boolean {
    return this.graph.producer(n) !== undefined || this.graph.initializers.has(n) || this.graph.isGraphInput(n) || this.declared.some((d) => d.name === n);
  }

  /**
   * Append a node. `outputs`: names, a count (names generated), or omitted (one output).
   * `domain`: '' (default ONNX), 'com.microsoft', ... Returns the output names.
   */
  node(opType: string, inputs: readonly string[], outputs?: readonly string[] | number, attrs: Attrs = {}, domain = ''): string[] {
    const outs = typeof outputs === 'number' || outputs === undefined ? Array.from({ length: outputs ?? 1 }, () => this.fresh(opType.toLowerCase())) : [...outputs];
    const n = Node.create(opType, inputs, outs, { name: this.fresh(`${opType}`), domain });
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    this.graph.addNode(n, this.graph.nodes.length);
    return outs;
  }

  /** `node()` for single-output ops; returns the output name. */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}, domain = ''): string {
    return this.node(opType, inputs, undefined, attrs, domain)[0];
  }

  /** Mark a value as graph output. Type may be omitted: shape inference fills it in `build()`. */
  output(name: string, dtype?: DTypeLike, shape?: readonly Dim[]): string {
    this.declared.push({ name, dtype, shape });
    const v = dtype === undefined ? Value.create(name) : Value.create(name, toDataType(dtype), shape);
    this.graph.outputs.push(v);
    this.graph.invalidate();
    return name;
  }

  /** A builder for a subgraph (If branch, Loop body); pass `.graph` as an attribute value. */
  subgraph(name: string): GraphBuilder {
    return new GraphBuilder(name, this.graph);
  }
}

export interface ModelBuilderOptions {
  /** Default-domain opset (default 17). */
  opset?: number;
  /** Extra domains, e.g. `{ 'com.microsoft': 1 }`. */
  opsets?: Record<string, number>;
  irVersion?: number;
  graphName?: string;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

export class ModelBuilder extends GraphBuilder {
  readonly model: Model;

  constructor(opts: ModelBuilderOptions = {}) {
    super(opts.graphName ?? 'main');
    const opset = opts.opset ?? 17;
    // IR version matching the opset (onnx.helper's table), so ONNX Runtime accepts the model.
    const ir = opts.irVersion ?? (opset <= 8 ? 3 : opset <= 10 ? 5 : opset <= 11 ? 6 : opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : opset <= 22 ? 10 : 11);
    this.model = Model.create({ opset, irVersion: ir });
    this.model.graph = this.graph;
    for (const [d, v] of Object.entries(opts.opsets ?? {})) this.model.setOpset(d, v);
    this.model.proto.producerName = opts.producerName ?? 'octet';
    if (opts.producerVersion !== undefined) this.model.proto.producerVersion = opts.producerVersion;
    if (opts.docString !== undefined) this.model.proto.docString = opts.docString;
    for (const [key, value] of Object.entries(opts.metadata ?? {})) {
      this.model.proto.metadataProps.push(create(StringStringEntryProtoSchema, { key, value }));
    }
  }

  /**
   * Finish: runs shape inference (so outputs declared without a type get one) and returns the
   * Model. Throws if an output's type cannot be inferred.
   */
  build(opts: { inferShapes?: boolean } = {}): Model {
    if (opts.inferShapes !== false) inferShapes(this.model, { strict: false, writeValueInfo: false });
    for (const v of this.graph.outputs) {
      if (v.elemType === undefined) throw new Error(`output '${v.name}' has no type and shape inference could not infer one; pass a dtype to output()`);
    }
    return this.model;
  }
}
