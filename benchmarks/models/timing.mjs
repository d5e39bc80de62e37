// Warm up, then the median of timed samples (each ≥ minSampleMs of back-to-back runs).
export async function medianMs(fn, { warmupMs = 300, samples = 9, minSampleMs = 50, maxMs = 4000 } = {}) {
  let t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < warmupMs || calls < 3) {
    await fn();
    calls++;
  }
  const per = (performance.now() - t0) / calls;
  const reps = Math.max(1, Math.ceil(minSampleMs / per));
  const n = Math.max(3, Math.min(samples, Math.floor(maxMs / (per * reps))));
  const times = [];
  for (let s = 0; s < n; s++) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
