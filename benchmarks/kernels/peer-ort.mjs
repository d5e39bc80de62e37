// Peer process: onnxruntime-web (wasm, 1 thread) or onnxruntime-node (CPU, 1 intra-op thread),
// chosen by `--ort web|node`; one peer per process (design.md §4). Prints one JSON line.
import { CASES, activations, weights } from './cases.mjs';
import { matMulIntegerModel, qlinearConvModel, qlinearMatMulModel } from './models.mjs';
import { measure } from './timing.mjs';
import { measureGhz } from './cpu-clock.mjs';
import { createHash } from 'node:crypto';

const which = process.argv[process.argv.indexOf('--ort') + 1];
const ort = which === 'node' ? (await import('onnxruntime-node')).default : await import('onnxruntime-web');
const opts = which === 'node'
  ? { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 }
  : { executionProviders: ['wasm'] };
if (which !== 'node') ort.env.wasm.numThreads = 1;

const results = {};
for (const c of CASES) {
  const w = weights(c);
  const x = activations(c);
  const models = c.kind === 'gemm'
    ? { qlinear: qlinearMatMulModel(c, w), integer: matMulIntegerModel(c, w) }
    : { qlinear: qlinearConvModel(c, w) };
  const dims = c.kind === 'gemm' ? [c.M, c.K] : [1, c.C, c.H, c.W];
  const name = c.kind === 'gemm' ? 'a' : 'x';
  results[c.id] = {};
  for (const [kind, bytes] of Object.entries(models)) {
    const s = await ort.InferenceSession.create(bytes, opts);
    const feeds = { [name]: new ort.Tensor('uint8', x, dims) };
    const first = await s.run(feeds);
    const y = first.y.data;
    const digest = createHash('sha1').update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength)).digest('hex');
    results[c.id][kind] = { ...(await measure(() => s.run(feeds), measureGhz)), digest };
    await s.release?.();
  }
}
process.stdout.write(JSON.stringify({ peer: `ort-${which}`, results }) + '\n');
