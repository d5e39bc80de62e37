import { describe, expect, it } from 'vitest';
import { formatBytes, formatMetric, formatMetricDelta, formatMs, formatNumber } from './format.js';

describe('format', () => {
  it('numbers', () => {
    expect(formatNumber(0.00001236)).toBe('1.236e−5');
    expect(formatNumber(-12.3456)).toBe('−12.35');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(NaN)).toBe('—');
  });
  it('sizes, times and metrics', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(394_120)).toBe('384.9 KiB');
    expect(formatMs(0.187)).toBe('187.0 µs');
    expect(formatMs(12.345)).toBe('12.35 ms');
    expect(formatMetric(0.9667, true)).toBe('96.67%');
    expect(formatMetricDelta(-0.0055, true)).toBe('−0.55 pt');
    expect(formatMetricDelta(0.25)).toBe('+0.25');
  });
});
