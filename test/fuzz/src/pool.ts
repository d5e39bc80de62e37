// Runs fuzz cases in a worker thread with a per-case watchdog: a case that does not answer in
// time is a hang (the worker is terminated and replaced), a worker that dies (out of memory, a
// native crash) is a crash. The cases themselves never run in the test's own thread.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { Outcome, TargetName } from './targets.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pkgSrc = (p: string) => join(repo, 'packages', p);

export type CaseResult = Outcome | { status: 'hang'; ms: number } | { status: 'worker-died'; message: string };

const bundles = new Map<string, Promise<string>>();
/** Bundles a worker entry of this folder (workspace packages from source) once per process. */
export function workerBundle(entry = 'worker-entry.ts'): Promise<string> {
  let bundle = bundles.get(entry);
  if (bundle) return bundle;
  bundle = (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octet-fuzz-'));
    const out = join(dir, entry.replace(/\.ts$/, '.mjs'));
    const r = await build({
      entryPoints: [fileURLToPath(new URL(`./${entry}`, import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      external: ['onnxruntime-node', 'onnxruntime-web', 'onnxruntime-common'],
      alias: {
        '@octet/onnx/node': pkgSrc('onnx/src/node.ts'),
        '@octet/onnx': pkgSrc('onnx/src/index.ts'),
        '@octet/kernels': pkgSrc('kernels/src/index.ts'),
        '@octet/runtime': pkgSrc('runtime/src/index.ts'),
        '@octet/quantizer': pkgSrc('quantizer/src/index.ts'),
        '@octet/signature': pkgSrc('signature/src/index.ts'),
      },
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    writeFileSync(out, r.outputFiles[0].contents);
    return out;
  })();
  bundles.set(entry, bundle);
  return bundle;
}

export function kernelWasmPath(): string | undefined {
  const p = join(repo, 'packages/kernels/build/octet-kernels-simd.wasm');
  return existsSync(p) ? p : undefined;
}

export interface PoolOptions {
  /** Per-case watchdog (ms). Generous: it only has to tell a hang from a slow case. */
  timeoutMs: number;
  /** Use the WASM kernels in session cases (path of the simd .wasm). */
  wasm?: string;
  /** JS heap cap of the worker (MB): a blow-up ends as 'worker-died', not as a dead machine. */
  maxHeapMb?: number;
}

export class FuzzPool {
  private worker: Worker | undefined;
  private nextId = 0;
  private pending: { id: number; resolve: (r: CaseResult & { heapUsed?: number; arrayBuffers?: number }) => void } | undefined;

  constructor(private readonly opts: PoolOptions) {}

  private async start(): Promise<Worker> {
    if (this.worker) return this.worker;
    const w = new Worker(await workerBundle(), {
      workerData: { wasm: this.opts.wasm },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? 1024 },
    });
    w.on('message', (m: { id: number; outcome: Outcome; heapUsed: number; arrayBuffers: number }) => {
      if (this.pending?.id === m.id) {
        const p = this.pending;
        this.pending = undefined;
        p.resolve({ ...m.outcome, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers });
      }
    });
    const died = (message: string) => {
      if (this.worker !== w) return; // a worker already replaced (after a hang) exiting late
      this.worker = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.resolve({ status: 'worker-died', message });
    };
    w.on('error', (e) => died(`${e.name}: ${e.message}`));
    w.on('exit', (code) => died(`worker exited with code ${code}`));
    this.worker = w;
    return w;
  }

  async run(target: TargetName, bytes: Uint8Array, gc = false): Promise<CaseResult & { heapUsed?: number; arrayBuffers?: number }> {
    const w = await this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const t0 = performance.now();
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        this.worker = undefined;
        void w.terminate();
        resolve({ status: 'hang', ms: Math.round(performance.now() - t0) });
      }, this.opts.timeoutMs);
      this.pending = {
        id,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      w.postMessage({ id, target, bytes, gc });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
