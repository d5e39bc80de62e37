// Warm up, then the median of timed samples (each ≥ minSampleMs of back-to-back runs). Slow cases
// (one run over slowMs, e.g. the MiniLM-shaped encoder at batch 32) get one warm-up run and
// `slowSamples` single-run samples, so a round stays within minutes on a shared machine.
// Self-contained (no imports, no closures): the Chromium peer evaluates its source in the page.
export async function medianMs(fn, { warmupMs = 300, samples = 9, minSampleMs = 50, maxMs = 4000, slowMs = 400, slowSamples = 3 } = {}) {
  let t0 = performance.now();
  await fn();
  let per = performance.now() - t0;
  const times = [];
  if (per > slowMs) {
    await fn();
    for (let s = 0; s < slowSamples; s++) {
      t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
  } else {
    let calls = 1;
    while (performance.now() - t0 < warmupMs || calls < 3) {
      await fn();
      calls++;
    }
    per = (performance.now() - t0) / calls;
    const reps = Math.max(1, Math.ceil(minSampleMs / per));
    const n = Math.max(3, Math.min(samples, Math.floor(maxMs / (per * reps))));
    for (let s = 0; s < n; s++) {
      t0 = performance.now();
      for (let i = 0; i < reps; i++) await fn();
      times.push((performance.now() - t0) / reps);
    }
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
