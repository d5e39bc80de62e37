import { fromBinary, toBinary, create } from '@bufbuild/protobuf';
import { ModelProtoSchema, ValueInfoProtoSchema } from 'onnx-buf';
import type { ExecutorSession, Feeds, HostTensor, ModelExecutor } from './executor.js';

/** The part of @octet/runtime's direct API the executor uses (passed in: no package dependency). */
export interface OctetRuntimeLike {
  createSession(model: Uint8Array, options?: Record<string, unknown>): Promise<{
    readonly inputNames: readonly string[];
    readonly outputNames: readonly string[];
    run(feeds: Record<string, { type: string; data: unknown; dims: readonly number[] }>): Promise<Record<string, { type: string; data: unknown; dims: readonly number[] }>>;
    dispose(): void | Promise<void>;
  }>;
}

/** Executor over Octet's own runtime (`import * as runtime from '@octet/runtime'`). */
export function createOctetExecutor(runtime: OctetRuntimeLike, sessionOptions: Record<string, unknown> = {}): ModelExecutor {
  return {
    async open(model: Uint8Array, observe: readonly string[]): Promise<ExecutorSession> {
      let bytes = model;
      if (observe.length) {
        const m = fromBinary(ModelProtoSchema, model);
        const have = new Set(m.graph!.output.map((o) => o.name));
        for (const name of observe) if (!have.has(name)) m.graph!.output.push(create(ValueInfoProtoSchema, { name }));
        bytes = toBinary(ModelProtoSchema, m);
      }
      const session = await runtime.createSession(bytes, sessionOptions);
      return {
        inputNames: session.inputNames,
        async run(feeds: Feeds) {
          const out = await session.run(feeds as Record<string, { type: string; data: unknown; dims: readonly number[] }>);
          const res: Record<string, HostTensor> = {};
          for (const [k, t] of Object.entries(out)) res[k] = { type: t.type, data: t.data, dims: t.dims };
          return res;
        },
        dispose: async () => {
          await session.dispose();
        },
      };
    },
  };
}
