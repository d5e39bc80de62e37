import { loadKernels, type Kernels } from '@octet/kernels';
import { availableParallelism } from 'node:os';

const loaded = new Map<number, Promise<Kernels>>();

/** Default thread count: the machine's parallelism, at most 4 (more rarely pays at batch ≤ 32). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The kernels for `threads` (1: the single-threaded SIMD/relaxed build; > 1: the threads build
 * with a worker_threads pool on shared memory). Loaded once per thread count and shared.
 */
export function loadNodeKernels(threads = 1): Promise<Kernels> {
  const n = Math.max(1, Math.floor(threads));
  let p = loaded.get(n);
  if (!p) {
    p = loadKernels(n > 1 ? { threads: n } : {});
    loaded.set(n, p);
    p.catch(() => loaded.delete(n));
  }
  return p;
}
