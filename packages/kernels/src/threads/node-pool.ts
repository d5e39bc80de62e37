// Node's half of the thread pool: worker_threads started from the shared worker source.
// @octet/runtime-node reuses this through `createNodeThreadPool` (exported by the package).
import type { ThreadPool, ThreadPoolInit } from './pool.js';
import { AtomicsThreadPool } from './pool-impl.js';
import { NODE_WORKER_SOURCE } from './worker-source.js';

export async function createNodeThreadPool(init: ThreadPoolInit): Promise<ThreadPool> {
  if (init.threads < 2) throw new RangeError(`createNodeThreadPool: threads must be ≥ 2, got ${init.threads}`);
  const { Worker } = await import('node:worker_threads');
  const control = AtomicsThreadPool.controlBuffer(init.threads);
  const workers = [];
  const ready: Promise<void>[] = [];
  for (let slot = 1; slot < init.threads; slot++) {
    const w = new Worker(NODE_WORKER_SOURCE, {
      eval: true,
      workerData: { module: init.module, memory: init.memory, control, slot, threads: init.threads, symbols: [...init.symbols] },
    });
    w.unref();
    workers.push(w);
    ready.push(
      new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`kernels worker exited with code ${code} before starting`)));
      }),
    );
  }
  try {
    await Promise.all(ready);
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  for (const w of workers) w.removeAllListeners();
  const pool = new AtomicsThreadPool(init, control, workers);
  // a worker that exits or throws outside a kernel: the pool's next job fails with a ThreadPoolError
  workers.forEach((w, i) => {
    w.once('exit', () => pool.markExited(i + 1));
    w.on('error', () => pool.markExited(i + 1));
  });
  return pool;
}
