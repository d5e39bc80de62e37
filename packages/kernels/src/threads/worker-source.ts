// Source of the pool's worker, as a string so it runs unchanged from src/ (vitest), dist/ and
// bundles: Node starts it with `new Worker(source, { eval: true })`, browsers from a Blob URL.
// Protocol over an Int32Array on a SharedArrayBuffer (all indices in i32 words):
//   header (words 0–7): CTL_ERROR a kernel threw, CTL_CLAIM the job's claim word
//   (generation << 8 | next chunk), CTL_CHUNKS_DONE finished chunks, CTL_DEAD bit per exited worker,
//   CTL_HOLD / CTL_KILL test hooks (bit per worker: held before claiming; bit << 16: stalled after
//   claiming a chunk), CTL_WORKER_SPIN idle spin iterations;
//   slot s at SLOT·s: [seq, fnIndex, chunks, generation, threadArg, threadValue, chunksRun]; the
//   caller writes a slot as a seqlock (seq odd while it writes, then the next even value), so a
//   worker that reads a slot while it is rewritten reads it again; seq < 0 asks the worker to exit.
//   A job's chunks are rows of the table after the slots: [argc, f32Mask, args…]. Every thread (the
//   caller too) claims chunks by compare-exchange on CTL_CLAIM until none is left, so a late worker
//   claims nothing instead of holding the caller up. A claim carries the job's generation, so a
//   worker that read a finished job never claims a later job's chunk.
//   Bit i of f32Mask: argument i is stored as an f32 (read through a Float32Array view), so kernels
//   with f32 parameters (scales) take them unchanged. threadArg ≥ 0: that argument of every chunk is
//   replaced by the running thread's threadValue (its scratch, say).
/** Words per slot: one 64-byte cache line (the header is slot 0). */
export const SLOT_WORDS = 16;
export const MAX_ARGS = 28;
/** Words per chunk-table row: argc, f32Mask, arguments. */
export const ROW_WORDS = MAX_ARGS + 2;
/** Chunks of one dynamic job (the claim word keeps the index in 8 bits). */
export const MAX_CHUNKS = 128;
export const CTL_ERROR = 1;
export const CTL_CLAIM = 2;
export const CTL_CHUNKS_DONE = 3;
export const CTL_DEAD = 4;
export const CTL_HOLD = 5;
export const CTL_KILL = 6;
/** Busy-wait iterations of an idle worker before it sleeps (set by the pool). */
export const CTL_WORKER_SPIN = 7;
export const S_FN = 1;
export const S_CHUNKS = 2;
export const S_GEN = 3;
export const S_THREAD_ARG = 4;
export const S_THREAD_VALUE = 5;
export const S_CHUNKS_RUN = 6;
/** Generations wrap at 2^23 (a claim word is generation << 8 | chunk index, kept positive). */
export const GEN_MASK = 0x7fffff;
// Busy-wait iterations (Atomics.load) before a thread sleeps in Atomics.wait. Waking a sleeping
// thread costs tens of microseconds (a VM wakes an idle vCPU by IPI), so both sides spin through
// the short gaps between parallel ops; a worker sleeps only when the caller stays single-threaded
// for a while.
export const SPIN_LIMIT = 200_000;
/**
 * An idle worker's busy-wait before it sleeps (~0.5 ms): long enough for the gaps between parallel
 * ops of a run, a quarter of the caller's limit so that it takes less of a core from the others
 * on a busy machine (and from V8's background compiler while it tiers up); a caller never waits for
 * a sleeping worker, it claims the worker's chunks itself. Measured on mobilenetv2_digits ort_qdq
 * b32, 2 threads ÷ 1 thread with one core kept busy by another process: 0.49× at 200 000 (0.23×
 * with the former static split), 0.70× at 50 000, 0.69× at 20 000; the same within noise when idle.
 */
export const WORKER_SPIN_LIMIT = 50_000;

/** Word offset of the chunk table in a control buffer for `threads` threads. */
export const chunkTableOffset = (threads: number) => SLOT_WORDS * (threads + 1);

const body = `
const fns = init.symbols.map((s) => {
  const f = instance.exports[s];
  if (typeof f !== 'function') throw new Error('kernels worker: missing export ' + s);
  return f;
});
const ctl = new Int32Array(init.control);
const ctlF = new Float32Array(init.control);
const base = ${SLOT_WORDS} * init.slot;
const bit = 1 << init.slot;
const table = ${SLOT_WORDS} * (init.threads + 1);
// one reused argument array per argument count: no allocation per chunk
const argv = Array.from({ length: ${MAX_ARGS} + 1 }, (_, n) => new Array(n).fill(0));
let seen = 0;
try {
  for (;;) {
    let seq = Atomics.load(ctl, base);
    const spinLimit = ctl[${CTL_WORKER_SPIN}];
    for (let spins = 0; seq >= 0 && (seq === seen || (seq & 1)); seq = Atomics.load(ctl, base)) {
      if (++spins > spinLimit) { Atomics.wait(ctl, base, seq, 1000); spins = 0; }
    }
    if (seq < 0) break;
    const fn = fns[ctl[base + ${S_FN}]];
    const chunks = ctl[base + ${S_CHUNKS}];
    const gen = ctl[base + ${S_GEN}];
    const threadArg = ctl[base + ${S_THREAD_ARG}];
    const threadValue = ctl[base + ${S_THREAD_VALUE}];
    // the caller rewrote the slot while it was read: read it again
    if (Atomics.load(ctl, base) !== seq) continue;
    seen = seq;
    for (let h = Atomics.load(ctl, ${CTL_HOLD}); h & bit; h = Atomics.load(ctl, ${CTL_HOLD})) Atomics.wait(ctl, ${CTL_HOLD}, h, 1000);
    if (Atomics.load(ctl, ${CTL_KILL}) & bit) break;
    let run = 0;
    for (;;) {
      const w = Atomics.load(ctl, ${CTL_CLAIM});
      if (w >>> 8 !== gen || (w & 255) >= chunks) break;
      if (Atomics.compareExchange(ctl, ${CTL_CLAIM}, w, w + 1) !== w) continue;
      for (let h = Atomics.load(ctl, ${CTL_HOLD}); h & (bit << 16); h = Atomics.load(ctl, ${CTL_HOLD})) Atomics.wait(ctl, ${CTL_HOLD}, h, 1000);
      // a won claim of this generation: the job is unfinished, so its table is intact
      const row = table + (w & 255) * ${ROW_WORDS};
      const argc = ctl[row];
      const f32Mask = ctl[row + 1];
      const a = argv[argc];
      for (let i = 0; i < argc; i++) a[i] = (f32Mask >>> i) & 1 ? ctlF[row + 2 + i] : ctl[row + 2 + i];
      if (threadArg >= 0 && threadArg < argc) a[threadArg] = threadValue;
      try { fn(...a); } catch (e) { Atomics.store(ctl, ${CTL_ERROR}, 1); }
      ctl[base + ${S_CHUNKS_RUN}] = ++run;
      if (Atomics.add(ctl, ${CTL_CHUNKS_DONE}, 1) + 1 === chunks) Atomics.notify(ctl, ${CTL_CHUNKS_DONE});
    }
  }
} finally {
  Atomics.or(ctl, ${CTL_DEAD}, bit);
  Atomics.notify(ctl, ${CTL_CHUNKS_DONE});
}
`;

export const NODE_WORKER_SOURCE = `
const { parentPort, workerData: init } = require('node:worker_threads');
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort() { throw new Error('abort'); } } });
parentPort.postMessage('ready');
${body}
`;

export const WEB_WORKER_SOURCE = `
self.onmessage = (ev) => {
  const init = ev.data;
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort() { throw new Error('abort'); } } });
  self.postMessage('ready');
  ${body}
};
`;
