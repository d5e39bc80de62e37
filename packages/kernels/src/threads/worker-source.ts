// Source of the pool's worker, as a string so it runs unchanged from src/ (vitest), dist/ and
// bundles: Node starts it with `new Worker(source, { eval: true })`, browsers from a Blob URL.
// Protocol over an Int32Array on a SharedArrayBuffer (all indices in i32 words):
//   ctl[0] done counter (workers add 1 per finished job), ctl[1] error flag,
//   slot s at SLOT·s: [seq, fnIndex, argc, f32Mask, args…]; seq < 0 asks the worker to exit.
//   Bit i of f32Mask: argument i is stored as an f32 (read through a Float32Array view), so kernels
//   with f32 parameters (scales) take them unchanged.
export const SLOT_WORDS = 32;
export const MAX_ARGS = SLOT_WORDS - 4;
// Busy-wait iterations (Atomics.load) before a thread sleeps in Atomics.wait. Waking a sleeping
// thread costs tens of microseconds (a VM wakes an idle vCPU by IPI), so both sides spin through
// the short gaps between parallel ops; a worker sleeps only when the caller stays single-threaded
// for a while.
export const SPIN_LIMIT = 200_000;

const body = `
const fns = init.symbols.map((s) => {
  const f = instance.exports[s];
  if (typeof f !== 'function') throw new Error('kernels worker: missing export ' + s);
  return f;
});
const ctl = new Int32Array(init.control);
const ctlF = new Float32Array(init.control);
const base = ${SLOT_WORDS} * init.slot;
let seen = 0;
for (;;) {
  let seq = Atomics.load(ctl, base);
  for (let spins = 0; seq === seen; seq = Atomics.load(ctl, base)) {
    if (++spins > ${SPIN_LIMIT}) { Atomics.wait(ctl, base, seen, 1000); spins = 0; }
  }
  if (seq < 0) break;
  seen = seq;
  const argc = ctl[base + 2];
  const args = new Array(argc);
  const f32Mask = ctl[base + 3];
  for (let i = 0; i < argc; i++) args[i] = (f32Mask >>> i) & 1 ? ctlF[base + 4 + i] : ctl[base + 4 + i];
  try { fns[ctl[base + 1]](...args); } catch (e) { Atomics.store(ctl, 1, 1); }
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
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
