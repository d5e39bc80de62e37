// Peer process: Octet kernels in Node (`--threads N`). Prints one JSON line of results.
import { loadKernels } from '@octet/kernels';
import { CASES, Q, activations, depth, weights, yScale } from './cases.mjs';
import { measure } from './timing.mjs';
import { measureGhz } from './cpu-clock.mjs';
import { createHash } from 'node:crypto';

const threads = Number(process.argv[process.argv.indexOf('--threads') + 1] || 1);
const k = await loadKernels({ threads, variant: threads > 1 ? 'threads' : 'simd' });
const f32 = Math.fround;
const scale = (K) => f32(f32(Q.aScale * Q.wScale) / f32(yScale(K)));
const results = {};
for (const c of CASES) {
  const w = weights(c);
  const x = activations(c);
  const common = {
    weights: w, weightZeroPoint: Q.wZp, activationSigned: false, activationZeroPoint: Q.aZp,
    output: 'u8', scale: scale(depth(c)), outputZeroPoint: Q.yZp,
  };
  let op;
  let outBytes;
  let run;
  if (c.kind === 'gemm') {
    op = k.createQGemm({ K: c.K, N: c.N, ...common, rows: c.M === 1 ? 'small' : 'large' });
    outBytes = c.M * c.N;
  } else {
    op = k.createQConv({ C: c.C, H: c.H, W: c.W, M: c.M, kernelShape: [c.k, c.k], pads: [c.pad, c.pad, c.pad, c.pad], group: c.group, ...common });
    outBytes = op.outputShape.reduce((a, b) => a * b, 1);
  }
  const px = k.heap.put(x);
  const py = k.heap.alloc(outBytes);
  if (c.kind === 'gemm') run = () => op.run({ M: c.M, a: px, out: py });
  else run = () => op.run({ N: 1, x: px, y: py });
  run();
  const digest = createHash('sha1').update(k.heap.u8.subarray(py, py + outBytes)).digest('hex');
  results[c.id] = { ...(await measure(run, measureGhz)), digest };
  if (c.kind === 'gemm' && threads === 1) {
    const g32 = k.createQGemm({ K: c.K, N: c.N, ...common, output: 'i32', rows: c.M === 1 ? 'small' : 'large' });
    const p32 = k.heap.alloc(c.M * c.N * 4);
    const r32 = await measure(() => g32.run({ M: c.M, a: px, out: p32 }), measureGhz);
    results[c.id].msI32 = r32.ms;
    results[c.id].minMsI32 = r32.minMs;
    results[c.id].ghzI32 = r32.ghz;
    g32.dispose();
  }
}
await k.dispose();
process.stdout.write(JSON.stringify({ peer: `octet-node-${threads}t`, variant: k.variant, results }) + '\n');
