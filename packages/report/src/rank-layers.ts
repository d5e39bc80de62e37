import type { LayerError } from './report-data.js';

// NaN means the comparison broke (e.g. a zero or non-finite activation): rank it worst.
const key = (x: number) => (Number.isNaN(x) ? -Infinity : x);

/** Worst first: lowest SQNR, then lowest cosine, then name (stable for equal errors). */
export function rankLayers(layers: readonly LayerError[]): LayerError[] {
  return [...layers].sort(
    (a, b) =>
      key(a.sqnrDb) - key(b.sqnrDb) || key(a.cosine) - key(b.cosine) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

export type QualityBand = 'poor' | 'fair' | 'good';

/** SQNR bands used for colour: below 20 dB is visibly lossy, 30 dB and up is usually harmless. */
export function qualityBand(sqnrDb: number): QualityBand {
  const v = key(sqnrDb);
  return v < 20 ? 'poor' : v < 30 ? 'fair' : 'good';
}
