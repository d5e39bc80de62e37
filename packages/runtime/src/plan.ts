// A plan binds a compiled model to one set of feed shapes: values that depend only on shapes are
// evaluated once (Shape → Gather → Concat chains), every remaining node is prepared once, and all
// intermediate values get a fixed place in one arena, reused by liveness. Replaying a plan
// allocates nothing but the returned output arrays.
//
// Building a plan walks the nodes once with shapes only: nodes that depend on feed data are
// prepared but not run; the arena is then placed and the plan runs. If an op needs the *value* of
// a feed-derived input to decide a shape (Reshape by a model input), planning restarts in eager
// mode: every node runs on plain arrays with the TypeScript paths while planning, and the plan is
// marked value-dependent (rebuilt on every run).

import { createOpContext, PlanningSignal, prepareNode, runNode, type CompiledModel, type NodeState } from './compile.js';
import type { KernelProvider } from './kernel-provider.js';
import type { PreparedOp } from './op-registry.js';
import { allocateOffsets, type Lifetime } from './arena.js';
import { allocData, bytesPerElement, makeTensor, sizeOf, viewData, type Tensor } from './tensor.js';

/**
 * Where a plan places its arena: a plain ArrayBuffer, or the kernels' WebAssembly memory (so WASM
 * kernels read and write intermediate values in place).
 */
export interface ArenaMemory {
  /** Reserves at least `bytes` bytes, 64-byte aligned; returns the byte offset. Invalidates older offsets. */
  acquire(bytes: number): number;
  /** The current backing buffer (changes when WebAssembly memory grows: views must be re-made). */
  buffer(): ArrayBufferLike;
  dispose(): void;
}

export function createHeapArena(): ArenaMemory {
  let buf: ArrayBuffer | undefined;
  return {
    acquire(bytes) {
      if (!buf || buf.byteLength < bytes) buf = new ArrayBuffer(Math.max(64, bytes));
      return 0;
    },
    buffer: () => buf ?? new ArrayBuffer(0),
    dispose() {
      buf = undefined;
    },
  };
}

/** The arena inside the kernels' WebAssembly memory (one heap block, replaced when it must grow). */
export function createWasmArena(k: KernelProvider): ArenaMemory {
  let ptr = 0;
  let size = 0;
  return {
    acquire(bytes) {
      if (ptr === 0 || size < bytes) {
        if (ptr !== 0) k.heap.free(ptr);
        size = Math.max(64, bytes);
        ptr = k.heap.alloc(size, 64);
      }
      return ptr;
    },
    buffer: () => k.memory.buffer,
    dispose() {
      if (ptr !== 0) k.heap.free(ptr);
      ptr = 0;
      size = 0;
    },
  };
}

/** Thrown (internally) when shape-only planning meets an op that needs a feed-derived value. */
class NeedsEagerPlanning extends PlanningSignal {}

interface Step {
  readonly state: NodeState;
  readonly prepared: PreparedOp;
  readonly inputs: (Tensor | undefined)[];
  readonly outputs: Tensor[];
}

export interface Plan {
  /** Feed dims this plan was built for. */
  readonly feedDims: readonly (readonly number[])[];
  /** True when shapes depend on feed values: the plan cannot be replayed. */
  readonly valueDependent: boolean;
  readonly arenaBytes: number;
  /** Copies feeds in, runs every step, copies outputs out; `profile` accumulates ms per node. */
  run(feeds: readonly Tensor[], profile?: Profile): Tensor[];
}

type Kind = 'const' | 'shape' | 'data';

interface Value {
  tensor: Tensor;
  kind: Kind;
  /** Storage root for aliased values (a Reshape output shares its input's bytes). */
  root: Value;
  /** Definition step (-1 for feeds) and last reading step. */
  def: number;
  lastUse: number;
  /** Arena placement, set on roots of data values. */
  offset: number;
  bytes: number;
}

/** Time per node (ms) and run count, filled when profiling is on. */
export interface Profile {
  nodes: Map<string, { opType: string; ms: number; calls: number }>;
}

export function buildPlan(
  compiled: CompiledModel,
  feedNames: readonly string[],
  feeds: readonly Tensor[],
  arena: ArenaMemory,
  profile?: Profile,
): { plan: Plan; outputs: Tensor[] } {
  try {
    return buildPlanIn('shapes', compiled, feedNames, feeds, arena, profile);
  } catch (e) {
    if (!(e instanceof NeedsEagerPlanning)) throw e;
    return buildPlanIn('eager', compiled, feedNames, feeds, arena, profile);
  }
}

function buildPlanIn(
  mode: 'shapes' | 'eager',
  compiled: CompiledModel,
  feedNames: readonly string[],
  feeds: readonly Tensor[],
  arena: ArenaMemory,
  profile: Profile | undefined,
): { plan: Plan; outputs: Tensor[] } {
  const eager = mode === 'eager';
  const env = new Map<string, Value>();
  const mk = (tensor: Tensor, kind: Kind, def: number): Value => {
    const v = { tensor, kind, def, lastUse: def, offset: -1, bytes: 0 } as Value;
    v.root = v;
    return v;
  };
  for (const [name, t] of compiled.constants) env.set(name, mk(t, 'const', -1));
  feedNames.forEach((name, i) => env.set(name, mk(feeds[i], 'data', -1)));

  let valueDependent = false;
  const steps: Step[] = [];
  const stepValues: { inputs: (Value | undefined)[]; outputs: Value[] }[] = [];

  for (const state of compiled.nodes) {
    const { node } = state;
    const inVals = node.inputs.map((n) => (n === '' ? undefined : env.get(n)));
    const inputs = inVals.map((v) => v?.tensor);
    const isConst = (i: number) => inVals[i] !== undefined && inVals[i]!.kind !== 'data';
    // Eager planning runs on plain arrays: ops take their TypeScript paths.
    const ctx = createOpContext(state, inputs, eager ? undefined : compiled.kernels, isConst, () => {
      if (!eager) throw new NeedsEagerPlanning();
      valueDependent = true;
    });
    const prepared = prepareNode(state, ctx);
    const dataDependent = inVals.some((v, i) => v !== undefined && v.kind === 'data' && !state.shapeOnly.has(i));
    const runNow = eager || !dataDependent;
    const outputs = prepared.outputs.map((m, k) => {
      const a = prepared.aliases?.[k];
      const src = a === undefined ? undefined : inputs[a];
      if (!runNow) return makeTensor(m.dtype, m.dims, allocData(m.dtype, 0));
      return src ? makeTensor(m.dtype, m.dims, src.data) : makeTensor(m.dtype, m.dims);
    });
    if (runNow) runNode(state, prepared, inputs as Tensor[], outputs);
    if (!dataDependent && state.config.foldable !== false) {
      node.outputs.forEach((name, k) => {
        if (name !== '') env.set(name, mk(outputs[k], 'shape', -1));
      });
      continue;
    }
    const s = steps.length;
    const outVals = outputs.map((t, k) => {
      const v = mk(t, 'data', s);
      const a = prepared.aliases?.[k];
      const src = a === undefined ? undefined : inVals[a];
      if (src && src.kind === 'data') v.root = src.root;
      return v;
    });
    node.outputs.forEach((name, k) => {
      if (name !== '') env.set(name, outVals[k]);
    });
    for (const v of inVals) if (v && v.kind === 'data') v.root.lastUse = Math.max(v.root.lastUse, s);
    steps.push({ state, prepared, inputs: [], outputs: [] });
    stepValues.push({ inputs: inVals, outputs: outVals });
  }

  const graphOutputs = compiled.graph.outputs.map((o) => env.get(o.name)!);
  const end = steps.length;
  for (const v of graphOutputs) if (v.kind === 'data') v.root.lastUse = end;
  const eagerOutputs = eager ? graphOutputs.map((v) => copyTensor(v.tensor)) : undefined;

  // Arena placement for every data root: feeds and step outputs.
  const roots: Value[] = [];
  const seen = new Set<Value>();
  const addRoot = (v: Value | undefined) => {
    if (!v || v.kind !== 'data' || seen.has(v.root)) return;
    seen.add(v.root);
    roots.push(v.root);
  };
  const feedVals = feedNames.map((n) => env.get(n)!);
  feedVals.forEach(addRoot);
  stepValues.forEach((sv) => sv.outputs.forEach(addRoot));
  const lifetimes: Lifetime[] = roots.map((r) => {
    r.bytes = sizeOf(r.tensor.dims) * bytesPerElement(r.tensor.dtype);
    return { bytes: r.bytes, start: r.def, end: Math.max(r.lastUse, r.def) };
  });
  const { offsets, total } = allocateOffsets(lifetimes);
  roots.forEach((r, i) => (r.offset = offsets[i]));

  const base = arena.acquire(total);
  let boundBuffer = arena.buffer();
  const bound = new Map<Value, Tensor>();
  const view = (v: Value) => viewData(v.tensor.dtype, boundBuffer, base + v.root.offset, sizeOf(v.tensor.dims));
  const bind = (v: Value | undefined): Tensor | undefined => {
    if (!v) return undefined;
    if (v.kind !== 'data') return v.tensor;
    let t = bound.get(v);
    if (!t) {
      t = makeTensor(v.tensor.dtype, v.tensor.dims, view(v));
      bound.set(v, t);
    }
    return t;
  };
  // WebAssembly memory growth replaces the buffer: re-make every view (offsets are unchanged).
  const rebind = () => {
    boundBuffer = arena.buffer();
    for (const [v, t] of bound) t.data = view(v);
  };
  stepValues.forEach((sv, s) => {
    steps[s].inputs.push(...sv.inputs.map(bind));
    steps[s].outputs.push(...sv.outputs.map((v) => bind(v)!));
  });
  const feedSlots = feedVals.map((v) => bind(v)!);
  const outputSlots = graphOutputs.map((v) => bind(v)!);

  const plan: Plan = {
    feedDims: feeds.map((f) => [...f.dims]),
    valueDependent,
    arenaBytes: total,
    run(runFeeds, profile) {
      if (arena.buffer() !== boundBuffer) rebind();
      for (let i = 0; i < feedSlots.length; i++) (feedSlots[i].data as Float32Array).set(runFeeds[i].data as Float32Array);
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s];
        if (profile) {
          const t0 = performance.now();
          runNode(step.state, step.prepared, step.inputs as Tensor[], step.outputs);
          const n = step.state.node;
          const e = profile.nodes.get(n.name) ?? { opType: n.opType, ms: 0, calls: 0 };
          e.ms += performance.now() - t0;
          e.calls++;
          profile.nodes.set(n.name, e);
        } else runNode(step.state, step.prepared, step.inputs as Tensor[], step.outputs);
        // an op that grew the WebAssembly memory detached every view: re-make them before the next step
        if (arena.buffer() !== boundBuffer) rebind();
      }
      return outputSlots.map(copyTensor);
    },
  };
  return { plan, outputs: eagerOutputs ?? plan.run(feeds, profile) };
}

function copyTensor(t: Tensor): Tensor {
  return makeTensor(t.dtype, [...t.dims], t.data.slice());
}
