// Peer process: Octet's runtime (@octet/runtime on @octet/kernels, Node; `--threads N`, default 1:
// the baseline SIMD build, N > 1: the threads build and a worker pool). One JSON line out.
import { readFileSync } from 'node:fs';
import { loadKernels } from '@octet/kernels';
import { createSession } from '@octet/runtime';
import { CASES, feeds, modelPath } from './cases.mjs';
import { medianMs } from './timing.mjs';

const only = process.argv.includes('--case') ? process.argv[process.argv.indexOf('--case') + 1] : undefined;
const threads = process.argv.includes('--threads') ? Number(process.argv[process.argv.indexOf('--threads') + 1]) : 1;
const kernels = await loadKernels(threads > 1 ? { threads } : { variant: 'simd' });
const results = {};
let open = { key: undefined, s: undefined };
for (const c of CASES) {
  if (only && !c.id.startsWith(only)) continue;
  const key = `${c.model}/${c.variant}`;
  try {
    // one session at a time: cases are grouped by model file, and the MiniLM sessions are large
    if (open.key !== key) {
      open.s?.dispose();
      open = { key, s: undefined };
      open.s = await createSession(new Uint8Array(readFileSync(modelPath(c.model, c.variant))), { kernels });
    }
    const s = open.s;
    const f = Object.fromEntries(feeds(c.model, c.batch).map((t) => [t.name, { type: t.type, dims: t.dims, data: t.data }]));
    results[c.id] = { ms: await medianMs(() => s.run(f)) };
  } catch (e) {
    results[c.id] = { error: String(e?.message ?? e).slice(0, 200) };
  }
}
open.s?.dispose();
await kernels.dispose();
process.stdout.write(JSON.stringify({ peer: `octet-node-${threads}t`, variant: kernels.variant, results }) + '\n');
