import { fromBinary, toBinary, create } from '@bufbuild/protobuf';
import { ModelProtoSchema, ValueInfoProtoSchema } from 'onnx-buf';
import type { ExecutorSession, Feeds, HostTensor, ModelExecutor, OpenOptions } from './executor.js';

/** The part of onnxruntime-common's API the executor uses (onnxruntime-node, -web, or any backend). */
export interface OrtLike {
  InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSessionLike>;
  };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
}
interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly outputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { type: string; data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/**
 * Executor over an onnxruntime-common implementation. Intermediate tensors are observed by adding
 * them as graph outputs on a copy of the model (types left for the engine to infer).
 */
function withOutputs(model: Uint8Array, observe: readonly string[]): Uint8Array {
  if (!observe.length) return model;
  const m = fromBinary(ModelProtoSchema, model);
  const g = m.graph!;
  const have = new Set(g.output.map((o) => o.name));
  for (const name of observe) if (!have.has(name)) g.output.push(create(ValueInfoProtoSchema, { name }));
  return toBinary(ModelProtoSchema, m);
}

export function createOrtExecutor(ort: OrtLike, sessionOptions: Record<string, unknown> = {}): ModelExecutor {
  return {
    async describe(model: Uint8Array, names: readonly string[]) {
      const session = await ort.InferenceSession.create(withOutputs(model, names), { graphOptimizationLevel: 'disabled' });
      const types = new Map<string, string>();
      for (const m of session.outputMetadata ?? []) if (m.isTensor && m.type) types.set(m.name, m.type);
      await session.release();
      return types;
    },
    async open(model: Uint8Array, observe: readonly string[], opts: OpenOptions = {}): Promise<ExecutorSession> {
      const bytes = withOutputs(model, observe);
      // Requested outputs survive ONNX Runtime's graph optimizations, so they stay on for speed,
      // except when the caller needs the graph's exact arithmetic (calibration).
      const session = await ort.InferenceSession.create(bytes, {
        ...(opts.exact ? { graphOptimizationLevel: 'disabled' } : {}),
        ...sessionOptions,
      });
      return {
        inputNames: session.inputNames,
        async run(feeds: Feeds) {
          const ortFeeds: Record<string, unknown> = {};
          for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type, t.data, t.dims);
          const out = await session.run(ortFeeds);
          const res: Record<string, HostTensor> = {};
          for (const [k, t] of Object.entries(out)) res[k] = { type: t.type, data: t.data, dims: t.dims };
          return res;
        },
        dispose: () => session.release(),
      };
    },
  };
}
