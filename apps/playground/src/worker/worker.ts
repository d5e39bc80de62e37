// Web Worker entry: quantization and evaluation run here, off the page's main thread (which is
// also what lets the kernels use threads: they wait with Atomics.wait, allowed only in workers).
import type { FromWorker, ToWorker } from '../shared/protocol.js';
import { environment, runPlayground } from './pipeline.js';

declare const self: {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
};

const post = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, transfer);
const describe = (e: unknown) => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));

self.onmessage = async (e) => {
  try {
    if (e.data.type === 'env') {
      post({ type: 'env', env: await environment() });
    } else {
      const result = await runPlayground(e.data.model, e.data.settings, (message, fraction) => post({ type: 'progress', message, fraction }), e.data.data);
      post({ type: 'done', result }); // the files are Blobs: cloned by reference
    }
  } catch (err) {
    post({ type: 'error', message: describe(err) });
  }
};
