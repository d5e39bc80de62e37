// Resource limits for hostile models: checked at session creation (model bytes, node count,
// subgraph depth) and whenever an op declares the size of an output or a workspace (tensor
// elements), so a model cannot make the runtime allocate without bound. @octet/onnx's decoder
// already rejects malformed bytes, negative/overflowing dims, payloads that do not match their
// dims, messages nested deeper than 256 and external data outside the model's folder.
import { OctetRuntimeError, OpError } from './errors.js';
import type { AttributeValue, RuntimeGraph } from './graph.js';
import type { OpConfig, OpContext, OpRegistry, PreparedOp } from './op-registry.js';
import type { GraphProto } from '@octet/onnx';

export interface RuntimeLimits {
  /** Largest model file, in bytes (default 2 GiB − 1, protobuf's own limit). */
  maxModelBytes: number;
  /** Most nodes, counting every subgraph (default 1,000,000). */
  maxNodes: number;
  /** Deepest nesting of subgraphs (If/Loop/Scan bodies; default 32). */
  maxSubgraphDepth: number;
  /** Most elements of any tensor an op computes or any workspace it asks for (default 2^28, 1 GiB of float32). */
  maxTensorElements: number;
}

export const DEFAULT_LIMITS: Readonly<RuntimeLimits> = Object.freeze({
  maxModelBytes: 2 ** 31 - 1,
  maxNodes: 1_000_000,
  maxSubgraphDepth: 32,
  maxTensorElements: 2 ** 28,
});

export class ResourceLimitError extends OctetRuntimeError {
  override name = 'ResourceLimitError';
  constructor(readonly limit: keyof RuntimeLimits, readonly value: number, readonly max: number, what: string) {
    super(`${what}: ${value.toLocaleString('en-US')} exceeds the limit of ${max.toLocaleString('en-US')} (SessionOptions.limits.${limit})`);
  }
}

export function resolveLimits(partial: Partial<RuntimeLimits> | undefined): RuntimeLimits {
  const l = { ...DEFAULT_LIMITS, ...partial };
  for (const [k, v] of Object.entries(l)) {
    if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`limits.${k} must be a non-negative number, got ${String(v)}`);
  }
  return l;
}

/** Model bytes, before decoding. */
export function checkModelBytes<T>(model: T, limits: RuntimeLimits): T {
  if (model instanceof Uint8Array && model.length > limits.maxModelBytes) {
    throw new ResourceLimitError('maxModelBytes', model.length, limits.maxModelBytes, 'model size in bytes');
  }
  return model;
}

/** Node count (subgraphs included) and subgraph depth of a decoded graph. */
export function checkGraphLimits(graph: RuntimeGraph, limits: RuntimeLimits): void {
  let nodes = graph.nodes.length;
  const visit = (g: GraphProto, depth: number): void => {
    if (depth > limits.maxSubgraphDepth) throw new ResourceLimitError('maxSubgraphDepth', depth, limits.maxSubgraphDepth, 'subgraph nesting depth');
    nodes += g.node.length;
    if (nodes > limits.maxNodes) throw new ResourceLimitError('maxNodes', nodes, limits.maxNodes, 'node count (subgraphs included)');
    for (const n of g.node) for (const a of n.attribute) for (const sub of a.g ? [a.g, ...a.graphs] : a.graphs) visit(sub, depth + 1);
  };
  if (nodes > limits.maxNodes) throw new ResourceLimitError('maxNodes', nodes, limits.maxNodes, 'node count (subgraphs included)');
  for (const n of graph.nodes) {
    for (const a of n.attributes.values() as Iterable<AttributeValue>) {
      if (a.kind !== 'graph') continue;
      for (const sub of Array.isArray(a.value) ? a.value : [a.value]) visit(sub as GraphProto, 1);
    }
  }
}

const TENSOR_ELEMENT_LIMIT = Symbol('octet.maxTensorElements');

/** maxTensorElements of the session preparing through `ctx` (undefined outside a limited registry). */
export function tensorElementLimit(ctx: OpContext): number | undefined {
  return (ctx as { [TENSOR_ELEMENT_LIMIT]?: number })[TENSOR_ELEMENT_LIMIT];
}

function elements(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/**
 * A registry whose ops check `maxTensorElements` (and that dims are non-negative integers) on
 * every output they declare and every workspace they request, before anything is allocated. Errors surface as the node's
 * NodeExecutionError with a ResourceLimitError cause.
 */
export function registryWithLimits(registry: OpRegistry, limits: RuntimeLimits): OpRegistry {
  const max = limits.maxTensorElements;
  const wrapped = new WeakMap<OpConfig, OpConfig>();
  const guard = (config: OpConfig): OpConfig => {
    let g = wrapped.get(config);
    if (g) return g;
    g = {
      ...config,
      prepare(ctx: OpContext): PreparedOp {
        const guarded: OpContext = Object.create(ctx);
        (guarded as { [TENSOR_ELEMENT_LIMIT]?: number })[TENSOR_ELEMENT_LIMIT] = max; // for shape-checks.ts
        guarded.workspace = ((key: string, dtype: never, length: number) => {
          if (length > max) throw new ResourceLimitError('maxTensorElements', length, max, `workspace '${key}' elements`);
          return ctx.workspace(key, dtype, length);
        }) as OpContext['workspace'];
        guarded.scratchPtr = (key: string, bytes: number) => {
          if (bytes / 4 > max) throw new ResourceLimitError('maxTensorElements', Math.ceil(bytes / 4), max, `scratch '${key}' (4-byte) elements`);
          return ctx.scratchPtr(key, bytes);
        };
        const prepared = config.prepare(guarded);
        prepared.outputs.forEach((o, k) => {
          // An op fed contradictory attributes can compute NaN or negative sizes: refuse them here,
          // before the arena adds them up.
          if (!o.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new OpError(`output ${k} has invalid dims [${o.dims.join(', ')}]`);
          const n = elements(o.dims);
          if (n > max) throw new ResourceLimitError('maxTensorElements', n, max, `output ${k} [${o.dims.join(', ')}] elements`);
        });
        return prepared;
      },
    };
    wrapped.set(config, g);
    return g;
  };
  return {
    register: (c) => registry.register(c),
    registerPattern: (p) => registry.registerPattern(p),
    resolve(opType, domain, opset) {
      const hit = registry.resolve(opType, domain, opset);
      return typeof hit === 'string' ? hit : guard(hit);
    },
    get patterns() {
      return registry.patterns;
    },
    ops: () => registry.ops(),
  };
}
