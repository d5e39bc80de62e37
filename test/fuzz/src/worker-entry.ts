// The fuzz worker: runs cases sent by the pool (pool.ts) and answers with their outcome and the
// worker's heap. Bundled with esbuild by the pool, since worker_threads cannot load .ts files.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { loadKernels } from '@octet/kernels';
import { runCase, type TargetContext, type TargetName } from './targets.js';

const port = parentPort!;
// A worker cannot take --expose-gc; this is the documented way to get gc() at run time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const init = workerData as { wasm?: string };

let ctx: Promise<TargetContext> | undefined;
function context(): Promise<TargetContext> {
  ctx ??= (async () => (init.wasm ? { kernels: await loadKernels({ variant: 'simd', sources: { simd: init.wasm } }) } : {}))();
  return ctx;
}

port.on('message', async (msg: { id: number; target: TargetName; bytes: Uint8Array; gc?: boolean }) => {
  const outcome = await runCase(msg.target, msg.bytes, await context());
  if (msg.gc) gc();
  const mem = process.memoryUsage();
  port.postMessage({ id: msg.id, outcome, heapUsed: mem.heapUsed, arrayBuffers: mem.arrayBuffers });
});
