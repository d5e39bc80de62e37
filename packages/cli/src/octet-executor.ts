// The quantizer's ModelExecutor on Octet's own runtime: calibration and sensitivity run the float
// model here, so quantizing needs no native dependency. Intermediate tensors are observed by
// listing them as extra graph outputs on a copy of the model.
import { parseModel, serializeModel, Value } from '@octet/onnx';
import type { ExecutorSession, Feeds, HostTensor, ModelExecutor } from '@octet/quantizer';
import type { Feeds as RuntimeFeeds } from '@octet/runtime';
import { createNodeSession } from '@octet/runtime-node';
import { yieldToEventLoop } from './progress.js';

function withOutputs(model: Uint8Array, observe: readonly string[]): Uint8Array {
  if (!observe.length) return model;
  const m = parseModel(model);
  const have = new Set(m.graph.outputs.map((o) => o.name));
  for (const name of observe) if (!have.has(name)) m.graph.outputs.push(Value.create(name));
  return serializeModel(m);
}

export function createOctetExecutor(options: { threads?: number } = {}): ModelExecutor {
  return {
    async open(model: Uint8Array, observe: readonly string[]): Promise<ExecutorSession> {
      const session = await createNodeSession(withOutputs(model, observe), { numThreads: options.threads ?? 1 });
      return {
        inputNames: session.inputNames,
        async run(feeds: Feeds) {
          await yieldToEventLoop(); // Ctrl-C between calibration batches, not only at the end
          const out = await session.run(feeds as unknown as RuntimeFeeds);
          const res: Record<string, HostTensor> = {};
          for (const [k, t] of Object.entries(out)) res[k] = { type: t.type, data: t.data, dims: t.dims };
          return res;
        },
        async dispose() {
          session.dispose();
        },
      };
    },
  };
}
