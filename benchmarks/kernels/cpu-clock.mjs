// Estimates the clock the process actually gets, from a chain of dependent 32-bit multiplies
// (3-cycle latency on x86 cores since Sandy Bridge; the chain cannot overlap) in a hand-assembled
// wasm function. On a busy machine this is the *effective* clock (the share of a core this process
// got), which is what GOPS should be normalised by. Self-contained: injected into Chromium as text.
// `now` is the timer in ms: wall clock by default; `cpuNow` (Node) gives the clock the core ran at
// while this process was on it, regardless of how much of the core it got.
export function measureGhz(runs = 5, now = () => performance.now()) {
  const CHAIN = 100;
  const LATENCY = 3;
  const step = [0x20, 0x00, 0x20, 0x01, 0x6c, 0x21, 0x00]; // x = x * y
  const body = [0x00, 0x03, 0x40];
  for (let i = 0; i < CHAIN; i++) body.push(...step);
  body.push(0x20, 0x02, 0x41, 0x01, 0x6b, 0x22, 0x02, 0x0d, 0x00, 0x0b, 0x20, 0x00, 0x0b);
  const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const code = [0x01, ...leb(body.length), ...body];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
    0x0a, ...leb(code.length), ...code,
  ]);
  const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
  f(3, 5, 20000);
  f(3, 5, 20000);
  const ghz = [];
  for (let r = 0; r < runs; r++) {
    const n = 50000;
    const t0 = now();
    f(3, 5, n);
    ghz.push((n * CHAIN * LATENCY) / ((now() - t0) * 1e6));
  }
  ghz.sort((a, b) => a - b);
  return ghz[Math.floor(runs / 2)];
}

/** Process CPU time in ms (Node): time the process was descheduled does not count. */
export function cpuNow() {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`${measureGhz(9).toFixed(2)} GHz`);
