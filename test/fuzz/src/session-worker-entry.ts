// A worker that runs one model on given feeds with the WASM kernels and posts the outputs back
// (lifetime.test.ts compares them with the main thread's serial runs); or, with `cycles`, does
// create/run/dispose that many times and reports heap and WASM memory after a gc.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { loadKernels } from '@octet/kernels';
import { createSession, type TensorValue } from '@octet/runtime';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Job {
  model: Uint8Array;
  feeds: Record<string, TensorValue>[];
  wasm: string;
  /** Repeat each feed set this many times (concurrency: outputs must not drift). */
  repeat?: number;
  /** Lifetime mode: create/run/dispose cycles, memory sampled at `samples`. */
  cycles?: number;
  samples?: number[];
}

const job = workerData as Job;
const kernels = await loadKernels({ variant: 'simd', sources: { simd: job.wasm } });

if (job.cycles) {
  const memory: { cycle: number; heapUsed: number; wasmBytes: number; wasmAllocated: number; liveAllocated: number }[] = [];
  for (let c = 1; c <= job.cycles; c++) {
    const s = await createSession(job.model, { kernels });
    await s.run(job.feeds[c % job.feeds.length]);
    const liveAllocated = kernels.heap.allocated; // the session's arena and packed weights
    s.dispose();
    if (job.samples?.includes(c)) {
      gc();
      memory.push({ cycle: c, heapUsed: process.memoryUsage().heapUsed, wasmBytes: kernels.memory.buffer.byteLength, wasmAllocated: kernels.heap.allocated, liveAllocated });
    }
  }
  parentPort!.postMessage({ memory });
} else {
  const s = await createSession(job.model, { kernels });
  const outputs: Record<string, TensorValue>[] = [];
  for (let r = 0; r < (job.repeat ?? 1); r++) for (const f of job.feeds) outputs.push(await s.run(f));
  s.dispose();
  parentPort!.postMessage({ outputs });
}
