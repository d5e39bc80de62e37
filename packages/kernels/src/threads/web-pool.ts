// Browser half of the thread pool: Web Workers from a Blob URL of the shared worker source.
// Needs a cross-origin isolated page (COOP same-origin + COEP require-corp), and `run` must be
// called from a Web Worker, because a page's main thread may not Atomics.wait.
import type { ThreadPool, ThreadPoolInit } from './pool.js';
import { AtomicsThreadPool } from './pool-impl.js';
import { WEB_WORKER_SOURCE } from './worker-source.js';

export async function createWebThreadPool(init: ThreadPoolInit): Promise<ThreadPool> {
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  const control = AtomicsThreadPool.controlBuffer(init.threads);
  const workers: Worker[] = [];
  try {
    const ready: Promise<void>[] = [];
    for (let slot = 1; slot < init.threads; slot++) {
      const w = new Worker(url);
      workers.push(w);
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => reject(new Error(`kernels worker failed: ${e.message}`));
        }),
      );
      w.postMessage({ module: init.module, memory: init.memory, control, slot, threads: init.threads, symbols: [...init.symbols] });
    }
    await Promise.all(ready);
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e;
  } finally {
    URL.revokeObjectURL(url);
  }
  const pool = new AtomicsThreadPool(init, control, workers);
  // a worker that throws outside a kernel: the pool's next job fails with a ThreadPoolError
  workers.forEach((w, i) => {
    w.onerror = (e) => {
      e.preventDefault();
      pool.markExited(i + 1);
    };
  });
  return pool;
}
