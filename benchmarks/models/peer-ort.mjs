// Peer process: onnxruntime-web (wasm, 1 thread) or onnxruntime-node (CPU, 1 intra-op thread),
// `--ort web|node`; one peer per process (the two share onnxruntime-common). One JSON line out.
import { readFileSync } from 'node:fs';
import { CASES, feeds, modelPath } from './cases.mjs';
import { medianMs } from './timing.mjs';

const which = process.argv[process.argv.indexOf('--ort') + 1];
const only = process.argv.includes('--case') ? process.argv[process.argv.indexOf('--case') + 1] : undefined;
const ort = which === 'node' ? (await import('onnxruntime-node')).default : await import('onnxruntime-web');
const opts = which === 'node' ? { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 } : { executionProviders: ['wasm'] };
if (which !== 'node') ort.env.wasm.numThreads = 1;
const results = {};
let open = { key: undefined, s: undefined };
for (const c of CASES) {
  if (only && !c.id.startsWith(only)) continue;
  const key = `${c.model}/${c.variant}`;
  try {
    // one session at a time: cases are grouped by model file, and the MiniLM sessions are large
    if (open.key !== key) {
      await open.s?.release?.();
      open = { key, s: undefined };
      open.s = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath(c.model, c.variant))), opts);
    }
    const s = open.s;
    const f = Object.fromEntries(feeds(c.model, c.batch).map((t) => [t.name, new ort.Tensor(t.type, t.data, t.dims)]));
    results[c.id] = { ms: await medianMs(() => s.run(f)) };
  } catch (e) {
    results[c.id] = { error: String(e?.message ?? e).slice(0, 200) };
  }
}
await open.s?.release?.();
process.stdout.write(JSON.stringify({ peer: `ort-${which}`, results }) + '\n');
