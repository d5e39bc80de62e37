// Number formatting shared by the Markdown table and the charts.

/** Milliseconds with about three significant digits. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

/** A speed or size ratio, e.g. `1.65×`. */
export function fmtRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`;
}

/** A share, e.g. `3.2 %`. */
export function fmtPercent(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? '—' : `${(r * 100).toFixed(1)} %`;
}

export function fmtNumber(v: number | undefined, digits = 1): string {
  return v === undefined ? '—' : v.toFixed(digits);
}

/** Bytes as KB below 1 MB, else MB (1024-based). */
export function fmtBytes(b: number): string {
  return b < 1024 * 1024 ? `${(b / 1024).toFixed(1)} KB` : `${(b / 1024 / 1024).toFixed(2)} MB`;
}

export function mdTable(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `| ${sep.join(' | ')} |`, ...rows.map(line)].join('\n');
}
