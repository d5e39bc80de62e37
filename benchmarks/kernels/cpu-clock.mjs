// Estimates the core clock from a chain of dependent 32-bit multiplies (3-cycle latency on
// x86 cores since Sandy Bridge; the chain cannot overlap), in a hand-assembled wasm function.
const CHAIN = 100;
const LATENCY = 3;

function chainModule() {
  const step = [0x20, 0x00, 0x20, 0x01, 0x6c, 0x21, 0x00]; // x = x * y
  const body = [0x00, 0x03, 0x40, ...Array(CHAIN).fill(step).flat(), 0x20, 0x02, 0x41, 0x01, 0x6b, 0x22, 0x02, 0x0d, 0x00, 0x0b, 0x20, 0x00, 0x0b];
  const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const code = [0x01, ...leb(body.length), ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
    0x0a, ...leb(code.length), ...code,
  ]);
}

/** Median GHz over a few short runs. */
export function measureGhz(runs = 9) {
  const { f } = new WebAssembly.Instance(new WebAssembly.Module(chainModule())).exports;
  f(3, 5, 100000); // tier up
  f(3, 5, 100000);
  const ghz = [];
  for (let r = 0; r < runs; r++) {
    const n = 200000;
    const t0 = performance.now();
    f(3, 5, n);
    const ns = (performance.now() - t0) * 1e6;
    ghz.push((n * CHAIN * LATENCY) / ns);
  }
  ghz.sort((a, b) => a - b);
  return ghz[Math.floor(runs / 2)];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`${measureGhz().toFixed(2)} GHz`);
