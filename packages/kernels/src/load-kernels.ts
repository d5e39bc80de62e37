import { selectGemmConfig } from './configs/gemm-config.js';
import type { QConvOptions } from './conv/conv.js';
import { QConvImpl } from './conv/qconv-impl.js';
import { isRelaxedVariant, isThreadedVariant, type KernelVariant } from './engine/capabilities.js';
import { detectCapabilities } from './engine/capabilities-impl.js';
import { probeRelaxedDot } from './engine/relaxed-probe.js';
import type { QGemmOptions } from './gemm/gemm.js';
import type { KernelContext } from './gemm/kernel-context.js';
import { QGemmImpl } from './gemm/qgemm-impl.js';
import type { KernelCapabilities, KernelExports, Kernels, LoadKernelsOptions, WasmSource } from './kernels.js';
import { WasmHeapImpl } from './memory/heap-impl.js';
import type { ThreadPool } from './threads/pool.js';

export class KernelLoadError extends Error {
  override name = 'KernelLoadError';
}

export function wasmFileName(variant: KernelVariant): string {
  return `octet-kernels-${variant}.wasm`;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function readDefault(variant: KernelVariant, baseUrl?: string | URL): Promise<BufferSource> {
  const name = wasmFileName(variant);
  if (isNode && baseUrl === undefined) {
    const { readFile } = await import('node:fs/promises');
    // dist/load-kernels.js → dist/wasm/; src/load-kernels.ts (vitest) → build/
    const tried: string[] = [];
    for (const rel of [`./wasm/${name}`, `../build/${name}`]) {
      const url = new URL(rel, import.meta.url);
      try {
        return await readFile(url);
      } catch {
        tried.push(url.pathname);
      }
    }
    throw new KernelLoadError(`cannot find ${name} (tried ${tried.join(', ')}); run \`npm run build -w @octet/kernels\``);
  }
  const url = new URL(name, baseUrl ?? new URL('./wasm/', import.meta.url));
  const res = await fetch(url);
  if (!res.ok) throw new KernelLoadError(`fetching ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

async function compile(variant: KernelVariant, options: LoadKernelsOptions): Promise<WebAssembly.Module> {
  const src: WasmSource | undefined = options.sources?.[variant];
  try {
    if (src === undefined) return await WebAssembly.compile(await readDefault(variant, options.baseUrl));
    if (src instanceof WebAssembly.Module) return src;
    if (typeof src === 'string' || src instanceof URL) {
      if (isNode && (src instanceof URL ? src.protocol === 'file:' : !/^[a-z]+:\/\//i.test(src))) {
        const { readFile } = await import('node:fs/promises');
        return await WebAssembly.compile(await readFile(src));
      }
      const res = await fetch(src);
      if (!res.ok) throw new KernelLoadError(`fetching ${String(src)}: HTTP ${res.status}`);
      return await WebAssembly.compile(await res.arrayBuffer());
    }
    if (typeof Response !== 'undefined' && (src instanceof Response || src instanceof Promise)) {
      return await WebAssembly.compile(await (await src).arrayBuffer());
    }
    return await WebAssembly.compile(src as BufferSource);
  } catch (e) {
    if (e instanceof KernelLoadError) throw e;
    throw new KernelLoadError(`cannot compile the ${variant} kernels: ${(e as Error).message}`);
  }
}

const abort = () => {
  throw new Error('kernels: abort');
};

/** Most threads one kernel instance runs on. */
export const MAX_THREADS = 32;

/**
 * Loads the kernel module best suited to this engine (see README "Loading"). Async; call once and
 * share the result.
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  const caps = detectCapabilities();
  if (!caps.simd) throw new KernelLoadError('this WebAssembly engine has no SIMD128 support');
  const threads = options.threads ?? 1;
  // The pool's per-worker flags are bits of one 32-bit word, and a job has at most 128 chunks (4 per thread).
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new KernelLoadError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
  let variant: KernelVariant;
  const requested = options.variant ?? 'auto';
  // auto mode tries a relaxed build unless the caller supplied sources without one
  const relaxedSource = (v: KernelVariant) => !options.sources || options.sources[v] !== undefined;
  if (requested === 'threads' || requested === 'relaxed-threads' || (requested === 'auto' && threads > 1)) {
    if (!caps.threads) throw new KernelLoadError('threads requested but shared memory is unavailable (browsers need cross-origin isolation)');
    if (requested === 'relaxed-threads' && !caps.relaxedSimd) throw new KernelLoadError('relaxed SIMD requested but the engine does not validate it');
    variant = requested === 'relaxed-threads' || (requested === 'auto' && caps.relaxedSimd && relaxedSource('relaxed-threads')) ? 'relaxed-threads' : 'threads';
  } else if (requested === 'relaxed' || (requested === 'auto' && caps.relaxedSimd && relaxedSource('relaxed'))) {
    if (!caps.relaxedSimd && requested === 'relaxed') throw new KernelLoadError('relaxed SIMD requested but the engine does not validate it');
    variant = 'relaxed';
  } else {
    variant = 'simd';
  }

  let relaxedDotExact: boolean | null = null;
  let loaded = await instantiate(variant, options);
  if (isRelaxedVariant(variant)) {
    relaxedDotExact = probeRelaxedDot(loaded.exports.relaxed_dot_probe, loaded.heap);
    if (!relaxedDotExact) {
      if (requested === variant) throw new KernelLoadError('relaxed SIMD dot product does not have the exact semantics the kernels need');
      variant = isThreadedVariant(variant) ? 'threads' : 'simd';
      loaded = await instantiate(variant, options);
    }
  }
  const capabilities: KernelCapabilities = { ...caps, relaxedDotExact };
  const gemmConfig = selectGemmConfig(variant);

  let pool: ThreadPool | null = null;
  if (isThreadedVariant(variant) && threads > 1) {
    const symbols = Object.keys(loaded.exports).filter((k) => typeof loaded.exports[k] === 'function');
    const init = { module: loaded.module, memory: loaded.memory, threads, symbols, instance: loaded.instance };
    if (options.createPool) pool = await options.createPool(init);
    else if (isNode) pool = await (await import('./threads/node-pool.js')).createNodeThreadPool(init);
    else pool = await (await import('./threads/web-pool.js')).createWebThreadPool(init);
  }

  const ctx: KernelContext = { variant, exports: loaded.exports, heap: loaded.heap, gemmConfig, pool };
  return {
    variant,
    capabilities,
    module: loaded.module,
    instance: loaded.instance,
    memory: loaded.memory,
    heap: loaded.heap,
    exports: loaded.exports,
    gemmConfig,
    pool,
    createQGemm: (o: QGemmOptions) => new QGemmImpl(ctx, o),
    createQConv: (o: QConvOptions) => new QConvImpl(ctx, o),
    dispose: async () => {
      await pool?.dispose();
    },
  };
}

async function instantiate(variant: KernelVariant, options: LoadKernelsOptions) {
  const module = await compile(variant, options);
  let memory: WebAssembly.Memory | undefined;
  const imports: WebAssembly.Imports = { env: { abort } };
  if (isThreadedVariant(variant)) {
    const declared = WebAssembly.Module.imports(module).find((i) => i.kind === 'memory');
    if (!declared) throw new KernelLoadError('the threads build does not import its memory');
    memory = new WebAssembly.Memory({ initial: 16, maximum: options.maximumMemoryPages ?? 16384, shared: true });
    (imports.env as Record<string, unknown>).memory = memory;
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports as unknown as KernelExports & { memory?: WebAssembly.Memory };
  memory ??= exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new KernelLoadError(`the ${variant} kernels export no memory`);
  const heap = new WasmHeapImpl(memory, exports.octet_heap_base());
  return { module, instance, memory, heap, exports: exports as KernelExports };
}
