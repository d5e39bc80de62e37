import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { externalDataFromDir } from '@octet/onnx/node';
import { createOctetBackend, type OrtBackend } from '@octet/runtime';
import { defaultThreads, loadNodeKernels } from './kernels-node.js';
import { readExternalFile } from './external-files-node.js';

/**
 * The part of onnxruntime-node's / onnxruntime-web's `ort` object this package uses. The backend
 * parameter is `never` on purpose: each onnxruntime-common version declares its own `Backend`
 * (whose handler must return its own `Tensor` class), which Octet's structural backend satisfies
 * at run time but not by name; `never` lets any version's `registerBackend` in, so plain
 * `register(ort)` type-checks without a cast.
 */
export interface OrtLike {
  registerBackend(name: string, backend: never, priority: number): void;
}

export interface RegisterOptions {
  /** Backend name used in `executionProviders` (default 'octet'). */
  name?: string;
  /** Registration priority (default 0: below onnxruntime's own backends, so never chosen implicitly). */
  priority?: number;
  /** Kernel threads (default: min(4, available parallelism)); 1 disables worker_threads. */
  numThreads?: number;
  /** False: TypeScript paths only. Default true. */
  wasm?: boolean;
}

export function createBackend(options: RegisterOptions = {}): OrtBackend {
  const threads = options.numThreads ?? defaultThreads();
  return createOctetBackend({
    name: options.name,
    // External data files live next to the model; @octet/onnx confines reads to that folder.
    loadModel: async (path) => ({ model: new Uint8Array(await readFile(path)), externalData: externalDataFromDir(dirname(path)) }),
    loadFile: readExternalFile,
    loadKernels: options.wasm === false ? undefined : (n) => loadNodeKernels(n ?? threads),
  });
}

/**
 * Registers the Octet backend on the application's own `ort` object (onnxruntime-node and
 * onnxruntime-web each bundle their own onnxruntime-common), so
 * `ort.InferenceSession.create(pathOrBytes, { executionProviders: ['octet'] })` runs on Octet.
 */
export function register(ort: OrtLike, options: RegisterOptions = {}): OrtBackend {
  const backend = createBackend(options);
  ort.registerBackend(options.name ?? 'octet', backend as never, options.priority ?? 0);
  return backend;
}
