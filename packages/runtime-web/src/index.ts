// @octet/runtime-web: Octet in the browser — `register(ort)` on onnxruntime-web's `ort`, the WASM
// kernels fetched (or given), Web Workers for threads when the page is cross-origin isolated.

import { loadKernels, type Kernels, type LoadKernelsOptions } from '@octet/kernels';
import { resolveWasmBaseUrl } from './wasm-base-url.js';
import { createOctetBackend, createSession, loadExternalData, type OrtBackend, type Session, type SessionOptions } from '@octet/runtime';
import { fetchExternalFile } from './external-files-web.js';

export type { Session, SessionOptions, ValueMetadata, TensorValue } from '@octet/runtime';

/**
 * The part of onnxruntime-web's `ort` object this package uses. The backend parameter is `never`
 * on purpose: each onnxruntime-common version declares its own `Backend` (whose handler must
 * return its own `Tensor` class), which Octet's structural backend satisfies at run time but not
 * by name; `never` admits any version's `registerBackend`, so plain `register(ort)` type-checks.
 */
export interface OrtLike {
  registerBackend(name: string, backend: never, priority: number): void;
}

export interface WebOptions {
  /** Kernel threads. Default: min(4, hardwareConcurrency) when `crossOriginIsolated`, else 1. */
  numThreads?: number;
  /** Where octet-kernels-*.wasm are fetched from (default: ./wasm/ next to the bundle). */
  wasmBaseUrl?: string | URL;
  /** Bytes, modules or URLs per kernel variant (e.g. inlined by your bundler). */
  wasmSources?: LoadKernelsOptions['sources'];
  /** False: TypeScript paths only. Default true. */
  wasm?: boolean;
}

export interface RegisterOptions extends WebOptions {
  name?: string;
  /** Default 0: below onnxruntime-web's own backends, so Octet runs only when asked for. */
  priority?: number;
}

declare const crossOriginIsolated: boolean | undefined;
declare const navigator: { hardwareConcurrency?: number } | undefined;
declare const document: unknown;

/**
 * Whether kernel threads can run here: shared memory needs cross-origin isolation (COOP
 * same-origin + COEP require-corp), and the caller waits with Atomics.wait, which browsers allow
 * in workers only — on the page's main thread Octet runs single-threaded.
 */
export function threadsAvailable(): boolean {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated === true;
  return isolated && typeof document === 'undefined';
}

/** min(4, hardwareConcurrency) where threads are available, else 1. */
export function defaultThreads(): number {
  if (!threadsAvailable()) return 1;
  const hw = typeof navigator !== 'undefined' ? (navigator.hardwareConcurrency ?? 1) : 1;
  return Math.max(1, Math.min(4, hw));
}

const loaded = new Map<string, Promise<Kernels>>();

export function loadWebKernels(options: WebOptions = {}, threads = options.numThreads ?? defaultThreads()): Promise<Kernels> {
  const n = threads > 1 && threadsAvailable() ? Math.floor(threads) : 1;
  const baseUrl = resolveWasmBaseUrl(options.wasmBaseUrl);
  const key = `${n}|${baseUrl?.href ?? ''}`;
  let p = loaded.get(key);
  if (!p) {
    p = loadKernels({ threads: n, baseUrl, sources: options.wasmSources });
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching model ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function createBackend(options: RegisterOptions = {}): OrtBackend {
  return createOctetBackend({
    name: options.name,
    loadModel: fetchBytes,
    loadFile: fetchExternalFile,
    loadKernels: options.wasm === false ? undefined : (n) => loadWebKernels(options, n),
  });
}

/** Registers the Octet backend on onnxruntime-web's `ort`: `executionProviders: ['octet']`. */
export function register(ort: OrtLike, options: RegisterOptions = {}): OrtBackend {
  const backend = createBackend(options);
  ort.registerBackend(options.name ?? 'octet', backend as never, options.priority ?? 0);
  return backend;
}

/** A session without onnxruntime: model bytes or a URL. */
export async function createWebSession(model: Uint8Array | string, options: WebOptions & Omit<SessionOptions, 'kernels'> = {}): Promise<Session> {
  const bytes = typeof model === 'string' ? await fetchBytes(model) : model;
  const kernels = options.wasm === false ? undefined : await loadWebKernels(options);
  return createSession(bytes, { ...options, kernels, externalData: await loadExternalData(options.externalData, fetchExternalFile) });
}
