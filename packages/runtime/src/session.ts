// The direct API for custom runtimes (no onnxruntime-common needed).

import type { ExternalDataOption } from './external-data-files.js';
import type { RuntimeGraph } from './graph.js';
import type { KernelProvider } from './kernel-provider.js';
import type { OpRegistry } from './op-registry.js';
import type { TensorValue } from './tensor.js';
import type { SignatureCheckOptions } from './verify-signature.js';
import type { RuntimeLimits } from './limits.js';

export interface ValueMetadata {
  readonly name: string;
  readonly isTensor: true;
  /** dtype name ('float32', 'int64', …), or the ONNX type name if the runtime cannot compute with it. */
  readonly type: string;
  /** Fixed sizes as numbers, symbolic dims as their names; [] when the model declares no shape. */
  readonly shape: readonly (number | string)[];
}

export interface SessionOptions extends SignatureCheckOptions {
  /** Op registry to resolve nodes with (default: every op in `register-all-ops.ts`). */
  registry?: OpRegistry;
  /** WASM kernels; omitted → TypeScript paths only. */
  kernels?: KernelProvider;
  /** Compile-time constant folding (default true). */
  constantFolding?: boolean;
  /** Resource limits for untrusted models (defaults: `DEFAULT_LIMITS`). */
  limits?: Partial<RuntimeLimits>;
  /**
   * Initializers stored in external data files: a reader (from @octet/onnx:
   * `externalDataFromDir(modelFolder)` in Node, `externalDataFromMap(files)` in browsers), or
   * onnxruntime-common's list `[{ path, data }]` (data: bytes; `createSession` also takes Blobs,
   * the runtime-node/-web adapters also paths and URLs). Signatures are checked over the same bytes.
   */
  externalData?: ExternalDataOption;
}

export type Feeds = Readonly<Record<string, TensorValue>>;

export interface RunOptions {
  /** Output names to return (default: all). */
  outputs?: readonly string[];
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Runs the model. Outputs are freshly allocated arrays the caller owns. */
  run(feeds: Feeds, options?: RunOptions): Promise<Record<string, TensorValue>>;
  /** Same as `run`, synchronously. */
  runSync(feeds: Feeds, options?: RunOptions): Record<string, TensorValue>;
  /** Plans built so far: one per new set of feed shapes (every run for value-dependent shapes). */
  readonly plansBuilt: number;
  /** Bytes of the current plan's arena (intermediate values), for tests and `octet inspect`. */
  readonly arenaBytes: number;
  /** Starts timing every node of replayed runs (the first run of a new shape builds the plan untimed). */
  startProfiling(): void;
  /** Stops timing; entries sorted by total time. */
  endProfiling(): ProfileEntry[];
  /** Frees the arena, packed weights and plan; further calls throw SessionDisposedError. */
  dispose(): void;
}

export interface ProfileEntry {
  node: string;
  opType: string;
  ms: number;
  calls: number;
}

export type ModelSource = Uint8Array | RuntimeGraph;
