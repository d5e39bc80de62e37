import { compileGraph, disposeNodes, type CompiledModel } from './compile.js';
import {
  FeedShapeError,
  FeedTypeError,
  InvalidModelError,
  MissingFeedError,
  SessionDisposedError,
  UnknownFeedError,
} from './errors.js';
import type { RuntimeGraph, ValueInfo } from './graph.js';
import { decodeModel, graphFromModel } from './model-from-onnx.js';
import { buildPlan, createHeapArena, createWasmArena, type ArenaMemory, type Plan, type Profile } from './plan.js';
import { defaultRegistry } from './register-all-ops.js';
import type { Feeds, ModelSource, ProfileEntry, RunOptions, Session, SessionOptions, ValueMetadata } from './session.js';
import { isTypedArrayOf, onnxDtypeName, sizeOf, type Tensor, type TensorValue } from './tensor.js';
import { checkModelSignature, loadSignatureVerifier, type VerifySync } from './verify-signature.js';
import { externalDataReader, loadExternalData } from './external-data-files.js';
import { checkGraphLimits, checkModelBytes, registryWithLimits, resolveLimits } from './limits.js';

export async function createSession(model: ModelSource, options: SessionOptions = {}): Promise<Session> {
  // The verifier is imported only when asked for (its own chunk in a split browser bundle).
  const verify = options.publicKey === undefined ? undefined : await loadSignatureVerifier();
  return openSession(model, { ...options, externalData: await loadExternalData(options.externalData) }, verify);
}

/** A session from bytes or a graph; `verify` must be loaded when `options.publicKey` is set. */
export function openSession(model: ModelSource, options: SessionOptions, verify: VerifySync | undefined): Session {
  const limits = resolveLimits(options.limits);
  checkModelBytes(model, limits);
  const externalData = externalDataReader(options.externalData);
  checkModelSignature(model, { ...options, externalData }, verify);
  const graph = model instanceof Uint8Array ? graphFromModel(decodeModel(model), externalData) : model;
  checkGraphLimits(graph, limits);
  const compiled = compileGraph(graph, {
    registry: registryWithLimits(options.registry ?? defaultRegistry(), limits),
    kernels: options.kernels,
    constantFolding: options.constantFolding,
  });
  return new SessionImpl(compiled);
}

const metadata = (v: ValueInfo): ValueMetadata => ({
  name: v.name,
  isTensor: true,
  type: v.dtype ?? onnxDtypeName(v.elemType),
  shape: v.dims ? v.dims.map((d, i) => (d === null ? `unk__${i}` : d)) : [],
});

class SessionImpl implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  private compiled: CompiledModel | undefined;
  private plan: Plan | undefined;
  private readonly arena: ArenaMemory;
  private readonly feedBuffer: Tensor[];
  private readonly feedList: Tensor[];
  private readonly inputSet: ReadonlySet<string>;
  private profile: Profile | undefined;
  /** Whether the last run gave the thread pool jobs (or the pool cannot tell): then the next run wakes it. */
  private poolUsed = true;

  constructor(compiled: CompiledModel) {
    this.compiled = compiled;
    this.arena = compiled.kernels ? createWasmArena(compiled.kernels) : createHeapArena();
    const g: RuntimeGraph = compiled.graph;
    this.inputNames = g.inputs.map((i) => i.name);
    this.outputNames = g.outputs.map((o) => o.name);
    this.inputMetadata = g.inputs.map(metadata);
    this.outputMetadata = g.outputs.map(metadata);
    for (const i of g.inputs) {
      if (!i.dtype) throw new InvalidModelError(`model input '${i.name}' has type ${onnxDtypeName(i.elemType)}, which the runtime does not support`);
    }
    this.feedBuffer = g.inputs.map(() => ({ dtype: 'float32', dims: [], data: new Float32Array(0) }) as Tensor);
    this.feedList = [...this.feedBuffer];
    this.inputSet = new Set(this.inputNames);
  }

  plansBuilt = 0;

  get arenaBytes(): number {
    return this.plan?.arenaBytes ?? 0;
  }

  async run(feeds: Feeds, options?: RunOptions): Promise<Record<string, TensorValue>> {
    return this.runSync(feeds, options);
  }

  runSync(feeds: Feeds, options?: RunOptions): Record<string, TensorValue> {
    const compiled = this.compiled;
    if (!compiled) throw new SessionDisposedError();
    // the pool's workers sleep between runs spaced more than ~0.5 ms apart: wake them now so their
    // wake-up overlaps the feed checks and the first single-threaded ops — if the last run used
    // them (woken for a run without pool jobs, they would only spin on a core the caller may need:
    // mobilenet b1 on a busy 2-core box ran at 0.46× of one thread)
    const pool = compiled.kernels?.pool;
    if (pool && this.poolUsed) pool.wake?.();
    const jobsBefore = pool?.jobCount;
    const feedTensors = this.checkFeeds(compiled.graph, feeds);
    let outputs: Tensor[];
    const plan = this.plan;
    if (plan && !plan.valueDependent && sameDims(plan.feedDims, feedTensors)) {
      outputs = plan.run(feedTensors, this.profile);
    } else {
      this.plan = undefined; // a failed build must not leave a half-made plan behind
      const built = buildPlan(compiled, this.inputNames, feedTensors, this.arena, this.profile);
      this.plan = built.plan;
      this.plansBuilt++;
      outputs = built.outputs;
    }
    this.poolUsed = jobsBefore === undefined || pool!.jobCount !== jobsBefore;
    const wanted = options?.outputs;
    const result: Record<string, TensorValue> = {};
    for (let i = 0; i < this.outputNames.length; i++) {
      const name = this.outputNames[i];
      if (wanted && !wanted.includes(name)) continue;
      result[name] = { type: outputs[i].dtype, dims: outputs[i].dims, data: outputs[i].data };
    }
    if (wanted) for (const w of wanted) if (!(w in result)) throw new InvalidModelError(`requested output '${w}' is not a model output`);
    return result;
  }

  startProfiling(): void {
    this.profile = { nodes: new Map() };
  }

  endProfiling(): ProfileEntry[] {
    const p = this.profile;
    this.profile = undefined;
    if (!p) return [];
    return [...p.nodes].map(([node, e]) => ({ node, ...e })).sort((a, b) => b.ms - a.ms);
  }

  dispose(): void {
    if (this.compiled) disposeNodes(this.compiled);
    this.compiled = undefined;
    this.plan = undefined;
    this.arena.dispose();
  }

  /** Validates feeds into the session's reusable feed list (no allocation when they are valid). */
  private checkFeeds(graph: RuntimeGraph, feeds: Feeds): Tensor[] {
    for (const name in feeds) {
      if (!this.inputSet.has(name)) throw new UnknownFeedError(name, this.inputNames);
    }
    for (let i = 0; i < graph.inputs.length; i++) this.feedList[i] = this.checkFeed(graph.inputs[i], i, feeds);
    return this.feedList;
  }

  private checkFeed(info: ValueInfo, i: number, feeds: Feeds): Tensor {
    const f = feeds[info.name];
    if (f === undefined || f === null) throw new MissingFeedError(info.name);
    const dtype = info.dtype!;
    if (f.type !== dtype) throw new FeedTypeError(info.name, dtype, String(f.type));
    if (!isTypedArrayOf(dtype, f.data)) throw new FeedTypeError(info.name, `${dtype} data`, `${(f.data as object)?.constructor?.name}`);
    const dims = f.dims;
    if (!Array.isArray(dims)) throw new FeedShapeError(info.name, `dims must be an array, got ${String(dims)}`);
    for (let k = 0; k < dims.length; k++) {
      if (!Number.isInteger(dims[k]) || dims[k] < 0) throw new FeedShapeError(info.name, `dims must be non-negative integers, got [${String(dims)}]`);
    }
    if (info.dims) {
      if (dims.length !== info.dims.length) {
        throw new FeedShapeError(info.name, `rank ${dims.length} given, the model expects rank ${info.dims.length} [${info.dims.map((d) => d ?? '?').join(', ')}]`);
      }
      for (let k = 0; k < dims.length; k++) {
        const d = info.dims[k];
        if (typeof d === 'number' && d !== dims[k]) {
          throw new FeedShapeError(info.name, `dimension ${k} is ${dims[k]}, the model expects ${d}`);
        }
      }
    }
    if (f.data.length !== sizeOf(dims)) {
      throw new FeedShapeError(info.name, `data has ${f.data.length} elements, dims [${dims.join(', ')}] need ${sizeOf(dims)}`);
    }
    const t = this.feedBuffer[i] as { dtype: string; dims: readonly number[]; data: unknown };
    t.dtype = dtype;
    t.dims = dims;
    t.data = f.data;
    return t as Tensor;
  }
}

function sameDims(a: readonly (readonly number[])[], feeds: readonly Tensor[]): boolean {
  for (let i = 0; i < feeds.length; i++) {
    const d = feeds[i].dims;
    const p = a[i];
    if (d.length !== p.length) return false;
    for (let k = 0; k < d.length; k++) if (d[k] !== p[k]) return false;
  }
  return true;
}
