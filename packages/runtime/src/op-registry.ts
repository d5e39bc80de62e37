// The contract between the planner and operator implementations (see README.md, "Adding ops").

import type { GraphNode, RuntimeGraph } from './graph.js';
import type { KernelProvider } from './kernel-provider.js';
import type { DType, Tensor, TypedArray } from './tensor.js';

export interface TensorMeta {
  readonly dtype: DType;
  readonly dims: readonly number[];
}

export interface Attributes {
  has(name: string): boolean;
  int(name: string, fallback?: number): number;
  float(name: string, fallback?: number): number;
  string(name: string, fallback?: string): string;
  ints(name: string, fallback?: readonly number[]): readonly number[];
  floats(name: string, fallback?: readonly number[]): readonly number[];
  tensor(name: string): Tensor | undefined;
}

/** What an op sees while it prepares one node for one set of input shapes. */
export interface OpContext {
  readonly node: GraphNode;
  /** Opset version of the node's domain in this model. */
  readonly opset: number;
  readonly attrs: Attributes;
  /** Number of input slots the node lists (including omitted optional ones). */
  readonly inputCount: number;
  /** False for an omitted optional input (empty name) or one past the end. */
  hasInput(i: number): boolean;
  /** dtype and dims of input i (throws OpError if omitted). */
  input(i: number): TensorMeta;
  /**
   * The value of input i if it is a model constant (initializer or folded at compile time):
   * use it to pre-pack weights into `cache`. Never marks anything.
   */
  constant(i: number): Tensor | undefined;
  /**
   * The value of input i as it is while the plan is built (for shape/axes/indices inputs).
   * If the input depends on feed data rather than only on feed shapes, the plan is marked
   * value-dependent and rebuilt on every run (correct, but slower) — prefer `constant`.
   */
  value(i: number): Tensor;
  /** Per-node storage that survives re-planning (packed weights, lookup tables). */
  readonly cache: Map<string, unknown>;
  /** A persistent scratch array for this node, grown as needed, reused across runs. */
  workspace(key: string, dtype: DType, length: number): TypedArray;
  /**
   * The WASM kernels, when loaded (undefined: use the TypeScript path). When defined, every
   * input that is not a constant lives in `kernels.memory`: its pointer is `data.byteOffset`.
   */
  readonly kernels: KernelProvider | undefined;
  /** A WASM heap block for this node (persistent, grown as needed, freed with the session). Needs kernels. */
  scratchPtr(key: string, bytes: number): number;
  /** Constant input i copied once into the WASM heap (freed with the session). Needs kernels. */
  constantPtr(i: number): number;
  /** Registers cleanup (kernel objects made in prepare) run when the session is disposed. */
  onDispose(fn: () => void): void;
  /** Throws an OpError with the node named. */
  fail(message: string): never;
}

export interface PreparedOp {
  readonly outputs: readonly TensorMeta[];
  /**
   * Computes outputs from inputs. Omitted optional inputs are `undefined` entries. Must not
   * allocate on the steady path; tensors' `data` may be arena views.
   */
  run(inputs: readonly Tensor[], outputs: readonly Tensor[]): void;
  /**
   * aliases[k] = i: output k may share input i's storage (same bytes, new dims; Reshape,
   * Squeeze, Identity…). `run` must still copy when the planner gives it distinct storage.
   */
  readonly aliases?: readonly (number | undefined)[];
}

export interface OpConfig {
  readonly opType: string;
  /** '' for the default ai.onnx domain, 'com.microsoft', or 'ai.octet' for internal fused ops. */
  readonly domain: string;
  /** Lowest and highest opset of `domain` whose semantics `prepare` implements. */
  readonly minOpset: number;
  readonly maxOpset: number;
  /** Input indices whose data is never read, only their shape (Shape, Size): they stay shape-only. */
  readonly shapeOnlyInputs?: readonly number[];
  /** False for ops that must not be evaluated at compile time (random ops). Default true. */
  readonly foldable?: boolean;
  prepare(ctx: OpContext): PreparedOp;
}

/**
 * A graph rewrite applied once at session creation, before constant folding, e.g. fusing
 * DequantizeLinear → Conv → QuantizeLinear into one integer node. Patterns run in registration
 * order; each mutates the graph in place and must leave it valid (topological order may change:
 * the planner sorts afterwards).
 */
export interface GraphPattern {
  readonly name: string;
  apply(graph: RuntimeGraph, ctx: PatternContext): void;
}

export interface PatternContext {
  readonly registry: OpRegistry;
  /** Names consumed by graph outputs or by nodes, for single-consumer checks. */
  consumers(valueName: string): GraphNode[];
  producer(valueName: string): GraphNode | undefined;
  /** Initializer value (not folded values: patterns run before folding). */
  initializer(valueName: string): Tensor | undefined;
  isGraphOutput(valueName: string): boolean;
  /** Whether a pattern may rely on kernels (false: emit nothing that needs WASM). */
  readonly kernels: KernelProvider | undefined;
}

export interface OpRegistry {
  register(config: OpConfig): void;
  registerPattern(pattern: GraphPattern): void;
  /** The op config for a node, or a reason it is unsupported. */
  resolve(opType: string, domain: string, opset: number): OpConfig | string;
  readonly patterns: readonly GraphPattern[];
  /** Every registered op (for CONFORMANCE.md and `octet inspect`). */
  ops(): readonly OpConfig[];
}
