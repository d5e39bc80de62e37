// Latency statistics over repeated runs.
export interface LatencyStats {
  runs: number;
  medianMs: number;
  meanMs: number;
  p90Ms: number;
  minMs: number;
}

export function latencyStats(times: readonly number[]): LatencyStats {
  const s = [...times].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return {
    runs: n,
    medianMs: median,
    meanMs: s.reduce((a, b) => a + b, 0) / n,
    p90Ms: s[Math.max(0, Math.ceil(0.9 * n) - 1)],
    minMs: s[0],
  };
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(3)} ms`;
}
