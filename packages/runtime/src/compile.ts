// Session creation: patterns, topological order, op resolution (unsupported ops reported here,
// all at once), and compile-time constant folding.

import { attributesOf } from './attributes.js';
import { InvalidModelError, NodeExecutionError, OpError, UnsupportedOperatorError, type UnsupportedNode } from './errors.js';
import { opsetOf, type GraphNode, type RuntimeGraph } from './graph.js';
import type { KernelProvider } from './kernel-provider.js';
import type { Attributes, OpConfig, OpContext, OpRegistry, PatternContext, PreparedOp, TensorMeta } from './op-registry.js';
import { allocData, makeTensor, type DType, type Tensor, type TypedArray } from './tensor.js';
import { lowerFloat16 } from './float16-lowering.js';

/** One node ready to be planned: its op, opset and per-node state that outlives plans. */
export interface NodeState {
  readonly node: GraphNode;
  readonly config: OpConfig;
  readonly opset: number;
  readonly attrs: Attributes;
  readonly cache: Map<string, unknown>;
  readonly workspaces: Map<string, TypedArray>;
  readonly shapeOnly: ReadonlySet<number>;
  /** WASM heap blocks and cleanups owned by this node. */
  readonly heap: { scratch: Map<string, { ptr: number; bytes: number }>; constants: Map<Tensor, number>; disposers: (() => void)[] };
}

/** Frees everything the nodes put on the WASM heap (session dispose). */
export function disposeNodes(compiled: CompiledModel): void {
  for (const st of compiled.nodes) disposeNodeHeap(st, compiled.kernels);
}

/** Frees what one node put on the WASM heap (its kernel objects, scratch and constant copies). */
function disposeNodeHeap(st: NodeState, k: KernelProvider | undefined): void {
  for (const fn of st.heap.disposers) fn();
  if (k) {
    for (const { ptr } of st.heap.scratch.values()) k.heap.free(ptr);
    for (const ptr of st.heap.constants.values()) k.heap.free(ptr);
  }
  st.heap.scratch.clear();
  st.heap.constants.clear();
  st.heap.disposers.length = 0;
  st.cache.clear();
}

export interface CompiledModel {
  readonly graph: RuntimeGraph;
  /** Initializers and values folded at compile time. */
  readonly constants: Map<string, Tensor>;
  /** Nodes left to plan, in topological order. */
  readonly nodes: NodeState[];
  readonly kernels: KernelProvider | undefined;
}

export interface CompileOptions {
  registry: OpRegistry;
  kernels?: KernelProvider;
  /** Default true. */
  constantFolding?: boolean;
}

export function compileGraph(source: RuntimeGraph, options: CompileOptions): CompiledModel {
  const { registry } = options;
  source = lowerFloat16(source); // float16 values computed in float32 (half only at the I/O boundary)
  // Patterns rewrite nodes in place: work on a copy, never on the caller's graph.
  const graph: RuntimeGraph = {
    ...source,
    opsets: new Map(source.opsets),
    initializers: new Map(source.initializers),
    nodes: source.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: new Map(n.attributes) })),
  };
  applyPatterns(graph, registry, options.kernels);
  const ordered = topologicalOrder(graph);

  const unsupported: UnsupportedNode[] = [];
  const states: NodeState[] = [];
  for (const node of ordered) {
    const opset = opsetOf(graph, node.domain);
    const hit = registry.resolve(node.opType, node.domain, opset);
    if (typeof hit === 'string') {
      unsupported.push({ nodeName: node.name, opType: node.opType, domain: node.domain, opset, reason: hit });
      continue;
    }
    for (const [name, a] of node.attributes) {
      if (a.kind === 'graph') {
        unsupported.push({ nodeName: node.name, opType: node.opType, domain: node.domain, opset, reason: `subgraph attribute '${name}' is not supported` });
      }
    }
    states.push({
      node,
      config: hit,
      opset,
      attrs: attributesOf(node),
      cache: new Map(),
      workspaces: new Map(),
      heap: { scratch: new Map(), constants: new Map(), disposers: [] },
      shapeOnly: new Set(hit.shapeOnlyInputs ?? []),
    });
  }
  if (unsupported.length > 0) throw new UnsupportedOperatorError(unsupported);

  const constants = new Map(graph.initializers);
  const graphInputs = new Set(graph.inputs.map((i) => i.name));
  // An initializer that is also a graph input is a default the caller may override: not constant.
  for (const name of graphInputs) constants.delete(name);

  const remaining: NodeState[] = [];
  const fold = options.constantFolding !== false;
  for (const state of states) {
    const present = state.node.inputs.filter((n) => n !== '');
    const allConst = present.every((n) => constants.has(n));
    if (fold && allConst && state.config.foldable !== false) {
      const inputs = state.node.inputs.map((n) => (n === '' ? undefined : constants.get(n)));
      const outputs = evaluateNode(state, inputs, options.kernels, () => undefined);
      state.node.outputs.forEach((name, k) => {
        if (name !== '') constants.set(name, outputs[k]);
      });
      // a folded node never runs again: free its WASM heap now (its outputs are plain arrays)
      disposeNodeHeap(state, options.kernels);
    } else {
      remaining.push(state);
    }
  }
  return { graph, constants, nodes: remaining, kernels: options.kernels };
}

/** Prepares and runs one node on plain tensors (compile-time folding, plan-time evaluation). */
export function evaluateNode(
  state: NodeState,
  inputs: (Tensor | undefined)[],
  kernels: KernelProvider | undefined,
  onDataValue: (i: number) => void,
): Tensor[] {
  const ctx = createOpContext(state, inputs, kernels, () => true, onDataValue);
  const prepared = prepareNode(state, ctx);
  const outputs = prepared.outputs.map((m, k) => {
    const alias = prepared.aliases?.[k];
    const src = alias === undefined ? undefined : inputs[alias];
    return src ? makeTensor(m.dtype, m.dims, src.data) : makeTensor(m.dtype, m.dims);
  });
  runNode(state, prepared, inputs as Tensor[], outputs);
  return outputs;
}

/** Control-flow signal from the planner through an op's prepare; never wrapped. */
export class PlanningSignal extends Error {}

export function prepareNode(state: NodeState, ctx: OpContext): PreparedOp {
  try {
    return state.config.prepare(ctx);
  } catch (e) {
    if (e instanceof NodeExecutionError || e instanceof PlanningSignal) throw e;
    throw new NodeExecutionError(state.node.name, state.node.opType, e);
  }
}

export function runNode(state: NodeState, prepared: PreparedOp, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  try {
    prepared.run(inputs, outputs);
  } catch (e) {
    throw new NodeExecutionError(state.node.name, state.node.opType, e);
  }
}

export function createOpContext(
  state: NodeState,
  inputs: readonly (Tensor | undefined)[],
  kernels: KernelProvider | undefined,
  isConstant: (i: number) => boolean,
  onDataValue: (i: number) => void,
): OpContext {
  const { node } = state;
  const fail = (message: string): never => {
    throw new OpError(message);
  };
  const get = (i: number): Tensor => {
    const t = inputs[i];
    if (t === undefined) return fail(`input ${i} is required but omitted`);
    return t;
  };
  return {
    node,
    opset: state.opset,
    attrs: state.attrs,
    inputCount: node.inputs.length,
    hasInput: (i) => i < node.inputs.length && node.inputs[i] !== '' && inputs[i] !== undefined,
    input: (i): TensorMeta => get(i),
    constant: (i) => (inputs[i] !== undefined && isConstant(i) ? inputs[i] : undefined),
    value: (i) => {
      const t = get(i);
      if (!isConstant(i)) onDataValue(i);
      return t;
    },
    cache: state.cache,
    workspace: (key: string, dtype: DType, length: number) => {
      const k = `${key}:${dtype}`;
      let w = state.workspaces.get(k);
      if (!w || w.length < length) {
        w = allocData(dtype, Math.max(length, 1));
        state.workspaces.set(k, w);
      }
      return w.subarray(0, length) as TypedArray;
    },
    kernels,
    scratchPtr(key, bytes) {
      if (!kernels) return fail('scratchPtr needs the WASM kernels');
      const have = state.heap.scratch.get(key);
      if (have && have.bytes >= bytes) return have.ptr;
      if (have) kernels.heap.free(have.ptr);
      const ptr = kernels.heap.alloc(Math.max(bytes, 16), 64);
      state.heap.scratch.set(key, { ptr, bytes });
      return ptr;
    },
    constantPtr(i) {
      if (!kernels) return fail('constantPtr needs the WASM kernels');
      const t = inputs[i];
      if (t === undefined || !isConstant(i)) return fail(`input ${i} is not a constant`);
      let ptr = state.heap.constants.get(t);
      if (ptr === undefined) {
        ptr = kernels.heap.put(t.data);
        state.heap.constants.set(t, ptr);
      }
      return ptr;
    },
    onDispose(fn) {
      state.heap.disposers.push(fn);
    },
    fail,
  };
}

function applyPatterns(graph: RuntimeGraph, registry: OpRegistry, kernels: KernelProvider | undefined): void {
  if (registry.patterns.length === 0) return;
  const ctx: PatternContext = {
    registry,
    kernels,
    consumers: (name) => graph.nodes.filter((n) => n.inputs.includes(name)),
    producer: (name) => graph.nodes.find((n) => n.outputs.includes(name)),
    initializer: (name) => graph.initializers.get(name),
    isGraphOutput: (name) => graph.outputs.some((o) => o.name === name),
  };
  for (const p of registry.patterns) p.apply(graph, ctx);
}

function topologicalOrder(graph: RuntimeGraph): GraphNode[] {
  const available = new Set<string>([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)]);
  const producers = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (producers.has(o) || available.has(o)) throw new InvalidModelError(`value '${o}' is produced more than once (node '${n.name}')`);
      producers.set(o, n);
    }
  }
  const waiting = new Map<GraphNode, number>();
  const dependents = new Map<string, GraphNode[]>();
  const ready: GraphNode[] = [];
  for (const n of graph.nodes) {
    let missing = 0;
    for (const i of new Set(n.inputs)) {
      if (i === '' || available.has(i)) continue;
      if (!producers.has(i)) {
        throw new InvalidModelError(`node '${n.name}' (${n.opType}) reads '${i}', which no node, input or initializer provides`);
      }
      missing++;
      const list = dependents.get(i) ?? [];
      list.push(n);
      dependents.set(i, list);
    }
    waiting.set(n, missing);
    if (missing === 0) ready.push(n);
  }
  const order: GraphNode[] = [];
  for (let r = 0; r < ready.length; r++) {
    const n = ready[r];
    order.push(n);
    for (const o of n.outputs) {
      for (const d of dependents.get(o) ?? []) {
        const left = waiting.get(d)! - 1;
        waiting.set(d, left);
        if (left === 0) ready.push(d);
      }
    }
  }
  if (order.length !== graph.nodes.length) {
    const stuck = graph.nodes.find((n) => waiting.get(n)! > 0);
    throw new InvalidModelError(`graph has a cycle (node '${stuck?.name}')`);
  }
  for (const o of graph.outputs) {
    if (!available.has(o.name) && !producers.has(o.name)) {
      throw new InvalidModelError(`graph output '${o.name}' is not produced by any node`);
    }
  }
  return order;
}
