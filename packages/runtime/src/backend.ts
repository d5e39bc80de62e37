// The onnxruntime-common backend contract, typed structurally so @octet/runtime does not depend
// on any one onnxruntime-common version (each ort bundle carries its own copy). The shapes follow
// onnxruntime-common's `Backend` and `InferenceSessionHandler` (marked internal upstream; the
// runtime-node contract tests pin them per supported minor version).

import type { ExternalDataReader } from '@octet/onnx';
import type { ExternalFileLoader } from './external-data-files.js';
import type { KernelProvider } from './kernel-provider.js';
import type { ValueMetadata } from './session.js';

/** What ort passes as a tensor: an ort `Tensor` (or anything with these fields). */
export interface OrtTensorLike {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}

export interface OrtSessionOptionsLike {
  readonly executionProviders?: readonly (string | { readonly name: string; readonly [k: string]: unknown })[];
  readonly intraOpNumThreads?: number;
  readonly [k: string]: unknown;
}

export interface OrtInferenceSessionHandler {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  run(
    feeds: Readonly<Record<string, OrtTensorLike>>,
    fetches: Readonly<Record<string, OrtTensorLike | null>>,
    options: unknown,
  ): Promise<Record<string, OrtTensorLike>>;
  dispose(): Promise<void>;
  startProfiling(): void;
  endProfiling(): void;
}

export interface OrtBackend {
  init(backendName: string): Promise<void>;
  createInferenceSessionHandler(uriOrBuffer: string | Uint8Array, options?: OrtSessionOptionsLike): Promise<OrtInferenceSessionHandler>;
}

export interface OctetBackendOptions {
  /**
   * Reads a model given by path or URL (Node: the file system; browsers: fetch), with a reader for
   * its external data files when it has any.
   */
  loadModel: (uri: string) => Promise<Uint8Array | { model: Uint8Array; externalData?: ExternalDataReader }>;
  /** Loads a path or URL given as `data` in the session option `externalData` (omitted: only bytes and Blobs are accepted). */
  loadFile?: ExternalFileLoader;
  /**
   * Loads the WASM kernels for a thread count (omitted: TypeScript paths only). Called with
   * undefined at `init` (the default count), and per session with the count the session asks
   * for (`executionProviders: [{ name: 'octet', numThreads }]` or `intraOpNumThreads`).
   */
  loadKernels?: (threads?: number) => Promise<KernelProvider | undefined>;
  /** The name the backend is registered under (to find its execution-provider options). Default 'octet'. */
  name?: string;
  /** Where `endProfiling` reports (default: console.log of a per-op table). */
  onProfile?: (entries: { node: string; opType: string; ms: number; calls: number }[]) => void;
}
