// Timing shared by every peer process (and injected into the Chromium page as source text):
// warm up, then samples of ≥ minSampleMs each; returns the median ms per call, and the effective
// clock (cpu-clock.mjs) measured just before and after, to normalise GOPS on a shared machine,
// and the fastest sample (the least disturbed by other processes).
export async function measure(fn, measureGhz, { warmupMs = 300, samples = 15, minSampleMs = 25 } = {}) {
  let t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < warmupMs || calls < 5) {
    await fn();
    calls++;
  }
  const per = (performance.now() - t0) / calls;
  const reps = Math.max(1, Math.ceil(minSampleMs / per));
  const ghzBefore = measureGhz();
  const times = [];
  for (let s = 0; s < samples; s++) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    times.push((performance.now() - t0) / reps);
  }
  const ghz = (ghzBefore + measureGhz()) / 2;
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(samples / 2)], minMs: times[0], ghz };
}
