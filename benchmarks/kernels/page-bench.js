// Runs inside the Chromium page (classic script). Needs window.OctetKernels (the bundled package)
// and window.measure (timing.mjs). Exposes window.benchOctet / window.benchOrtWeb.
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const sha1 = async (bytes) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-1', bytes)), (x) => x.toString(16).padStart(2, '0')).join('');

window.benchOctet = async (variant, cases) => {
  const k = await window.OctetKernels.loadKernels({ variant, baseUrl: location.origin + '/wasm/' });
  const results = {};
  for (const c of cases) {
    const w = new Int8Array(b64(c.w).buffer);
    const x = b64(c.x);
    const common = {
      weights: w, weightZeroPoint: c.q.wZp, activationSigned: false, activationZeroPoint: c.q.aZp,
      output: 'u8', scale: c.scale, outputZeroPoint: c.q.yZp,
    };
    let op, outBytes, run;
    if (c.kind === 'gemm') {
      op = k.createQGemm({ K: c.K, N: c.N, ...common, rows: c.M === 1 ? 'small' : 'large' });
      outBytes = c.M * c.N;
    } else {
      op = k.createQConv({ C: c.C, H: c.H, W: c.W, M: c.M, kernelShape: [c.k, c.k], pads: [c.pad, c.pad, c.pad, c.pad], group: c.group, ...common });
      outBytes = op.outputShape.reduce((a, b) => a * b, 1);
    }
    const px = k.heap.put(x);
    const py = k.heap.alloc(outBytes);
    run = c.kind === 'gemm' ? () => op.run({ M: c.M, a: px, out: py }) : () => op.run({ N: 1, x: px, y: py });
    run();
    const digest = await sha1(k.heap.u8.slice(py, py + outBytes));
    results[c.id] = { ...(await window.measure(run, window.measureGhz)), digest };
    op.dispose();
  }
  return { variant: k.variant, capabilities: k.capabilities, results };
};

window.benchOrtWeb = async (cases) => {
  const ort = await import(location.origin + '/ort/ort.wasm.min.mjs');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = location.origin + '/ort/';
  const results = {};
  for (const c of cases) {
    results[c.id] = {};
    for (const [kind, model] of Object.entries(c.models)) {
      const s = await ort.InferenceSession.create(b64(model), { executionProviders: ['wasm'] });
      const dims = c.kind === 'gemm' ? [c.M, c.K] : [1, c.C, c.H, c.W];
      const feeds = { [c.kind === 'gemm' ? 'a' : 'x']: new ort.Tensor('uint8', b64(c.x), dims) };
      const y = (await s.run(feeds)).y.data;
      const digest = await sha1(new Uint8Array(y.buffer, y.byteOffset, y.byteLength).slice());
      results[c.id][kind] = { ...(await window.measure(() => s.run(feeds), window.measureGhz)), digest };
      await s.release();
    }
  }
  return results;
};
