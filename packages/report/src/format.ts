/** Human formatting of numbers for tables and chart subtitles. */

export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return '—';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1e6 || a < 1e-4 ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
  return s.replace('-', '−');
}

export function formatPercent(fraction: number, decimals = 2): string {
  if (!Number.isFinite(fraction)) return formatNumber(fraction);
  return `${(fraction * 100).toFixed(decimals)}%`.replace('-', '−');
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return formatNumber(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return formatNumber(ms);
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}

/** A metric value: percentage for fractions, else 4 significant digits. */
export function formatMetric(x: number, isFraction?: boolean): string {
  return isFraction ? formatPercent(x) : formatNumber(x);
}

/** Signed metric difference; fractions in percentage points. */
export function formatMetricDelta(delta: number, isFraction?: boolean): string {
  if (!Number.isFinite(delta)) return formatNumber(delta);
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const a = Math.abs(delta);
  return isFraction ? `${sign}${(a * 100).toFixed(2)} pt` : `${sign}${formatNumber(a)}`;
}
