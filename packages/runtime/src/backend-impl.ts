import type { OctetBackendOptions, OrtBackend, OrtInferenceSessionHandler, OrtSessionOptionsLike, OrtTensorLike } from './backend.js';
import { FeedTypeError } from './errors.js';
import { loadExternalData, type ExternalDataOption } from './external-data-files.js';
import type { KernelProvider } from './kernel-provider.js';
import { createSession } from './session-impl.js';
import { signatureOptionsFromOrt } from './verify-signature.js';
import type { Feeds } from './session.js';
import type { DType, TensorValue } from './tensor.js';

function requestedThreads(o: OrtSessionOptionsLike | undefined, name: string): number | undefined {
  const ep = o?.executionProviders?.find((e) => typeof e === 'object' && e.name === name) as { numThreads?: unknown } | undefined;
  const n = typeof ep?.numThreads === 'number' ? ep.numThreads : o?.intraOpNumThreads;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : undefined;
}

export function createOctetBackend(options: OctetBackendOptions): OrtBackend {
  let kernels: KernelProvider | undefined;
  let loading: Promise<void> | undefined;
  // Every name ort initialised this backend under: its execution-provider entry carries the keys.
  const names = new Set([options.name ?? 'octet']);
  return {
    init(backendName?: string) {
      if (typeof backendName === 'string') names.add(backendName);
      loading ??= (async () => {
        kernels = await options.loadKernels?.();
      })();
      return loading;
    },
    async createInferenceSessionHandler(uriOrBuffer, sessionOptions) {
      const name = options.name ?? 'octet';
      await this.init(name);
      const threads = requestedThreads(sessionOptions, name);
      const sessionKernels = threads !== undefined && options.loadKernels ? await options.loadKernels(threads) : kernels;
      const loaded = typeof uriOrBuffer === 'string' ? await options.loadModel(uriOrBuffer) : uriOrBuffer;
      const model: Uint8Array = ArrayBuffer.isView(loaded) ? loaded : loaded.model;
      // onnxruntime-common's `externalData` option first, then the model's own folder.
      const externalData = await loadExternalData(sessionOptions?.externalData as ExternalDataOption | undefined, options.loadFile, ArrayBuffer.isView(loaded) ? undefined : loaded.externalData);
      const session = await createSession(model, { kernels: sessionKernels, externalData, ...signatureOptionsFromOrt(sessionOptions, names) });
      const handler: OrtInferenceSessionHandler = {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputMetadata: session.inputMetadata,
        outputMetadata: session.outputMetadata,
        async run(feeds, fetches) {
          const own: Record<string, TensorValue> = {};
          for (const [name, t] of Object.entries(feeds)) {
            if (typeof t.data !== 'object' || t.data === null || !ArrayBuffer.isView(t.data)) {
              throw new FeedTypeError(name, 'tensor data on the CPU', String(t.type));
            }
            own[name] = { type: t.type as DType, dims: t.dims, data: t.data as TensorValue['data'] };
          }
          const wanted = Object.keys(fetches);
          const out = await session.run(own as Feeds, { outputs: wanted });
          const result: Record<string, OrtTensorLike> = {};
          for (const name of wanted) {
            const pre = fetches[name];
            const o = out[name];
            if (pre && ArrayBuffer.isView(pre.data) && (pre.data as unknown as { length: number }).length === o.data.length) {
              // A pre-allocated output tensor: fill it in place.
              (pre.data as unknown as Float32Array).set(o.data as unknown as Float32Array);
              result[name] = pre;
            } else result[name] = { type: o.type, dims: o.dims, data: o.data };
          }
          return result;
        },
        async dispose() {
          session.dispose();
        },
        startProfiling() {
          session.startProfiling();
        },
        endProfiling() {
          const entries = session.endProfiling();
          if (options.onProfile) options.onProfile(entries);
          else console.log(entries.map((e) => `${e.opType}\t${e.node}\t${e.ms.toFixed(3)} ms\t${e.calls} runs`).join('\n'));
        },
      };
      return handler;
    },
  };
}
