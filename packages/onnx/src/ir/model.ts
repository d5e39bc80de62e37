import { create } from '@bufbuild/protobuf';
import { ModelProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema, type FunctionProto, type ModelProto, type TensorProto } from '../proto.js';
import { tensorToFloat32, tensorValues, type ExternalDataReader } from '../tensor-codec.js';
import type { TensorValues } from '../dtypes.js';
import { shallowClone } from './clone.js';
import { Graph } from './graph.js';

/**
 * A model: the main graph as IR plus the ModelProto it came from (IR version, opset imports,
 * producer, doc string, metadata, local functions, training info and unknown fields all survive).
 */
export class Model {
  /** Reader for tensors stored in external data (set by loadModel / parseModel). */
  externalData: ExternalDataReader | undefined;

  constructor(
    readonly proto: ModelProto,
    public graph: Graph,
  ) {}

  static fromProto(p: ModelProto, opts: { externalData?: ExternalDataReader } = {}): Model {
    const m = new Model(p, p.graph ? Graph.fromProto(p.graph) : Graph.create(''));
    m.externalData = opts.externalData;
    return m;
  }

  /** A new empty model with the given default-domain opset. */
  static create(opts: { opset?: number; irVersion?: number; graphName?: string } = {}): Model {
    const p = create(ModelProtoSchema, { irVersion: BigInt(opts.irVersion ?? 8) });
    p.opsetImport = [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(opts.opset ?? 17) })];
    return new Model(p, Graph.create(opts.graphName ?? 'main'));
  }

  toProto(): ModelProto {
    const p = shallowClone(this.proto);
    const g = this.graph;
    // A ModelProto without a graph (e.g. a function library) stays without one.
    const empty = !g.nodes.length && !g.inputs.length && !g.outputs.length && !g.initializers.size && !g.name;
    if (this.proto.graph !== undefined || !empty) p.graph = g.toProto();
    return p;
  }

  get irVersion(): number {
    return Number(this.proto.irVersion);
  }
  set irVersion(v: number) {
    this.proto.irVersion = BigInt(v);
  }

  /** Opset version imported for `domain` ('' and 'ai.onnx' are the same domain). */
  opset(domain = ''): number | undefined {
    const d = domain === 'ai.onnx' ? '' : domain;
    const e = this.proto.opsetImport.find((o) => (o.domain === 'ai.onnx' ? '' : o.domain) === d);
    return e ? Number(e.version) : undefined;
  }

  setOpset(domain: string, version: number): void {
    const d = domain === 'ai.onnx' ? '' : domain;
    const e = this.proto.opsetImport.find((o) => (o.domain === 'ai.onnx' ? '' : o.domain) === d);
    if (e) e.version = BigInt(version);
    else this.proto.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: d, version: BigInt(version) }));
  }

  /** All opset imports as plain pairs. */
  get opsets(): { domain: string; version: number }[] {
    return this.proto.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) }));
  }

  get functions(): FunctionProto[] {
    return this.proto.functions;
  }

  get metadata(): Map<string, string> {
    return new Map(this.proto.metadataProps.map((e) => [e.key, e.value]));
  }

  setMetadata(key: string, value: string): void {
    const e = this.proto.metadataProps.find((x) => x.key === key);
    if (e) e.value = value;
    else this.proto.metadataProps.push(create(StringStringEntryProtoSchema, { key, value }));
  }

  /** Values of an initializer of the main graph (reads external data when needed). */
  initializerValues(name: string): TensorValues {
    return tensorValues(this.requireInitializer(name), { external: this.externalData });
  }

  /** An initializer of the main graph as Float32Array (float16/bfloat16/int converted). */
  initializerFloat32(name: string): Float32Array {
    return tensorToFloat32(this.requireInitializer(name), { external: this.externalData });
  }

  private requireInitializer(name: string): TensorProto {
    const t = this.graph.initializers.get(name);
    if (!t) throw new Error(`no initializer '${name}' in graph ${this.graph.name}`);
    return t;
  }
}
