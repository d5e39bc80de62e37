// Numbers as the results table shows them.
import type { MetricName } from '../shared/protocol.js';

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const ms = (v: number) => (v < 1 ? `${(1000 * v).toFixed(0)} µs` : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
export const metricValue = (name: MetricName, v: number) => (name === 'accuracy' ? `${(100 * v).toFixed(2)} %` : v.toFixed(2));

/** Change from float to int8: points for accuracy, percent for sizes/latency/error metrics. */
export function change(kind: 'points' | 'ratio', float: number, quantized: number): string {
  if (kind === 'points') {
    const d = 100 * (quantized - float);
    return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)} pt`;
  }
  const r = quantized / float - 1;
  return `${r >= 0 ? '+' : '−'}${Math.abs(100 * r).toFixed(0)} %`;
}
