/**
 * Text widths for Vega without a canvas. Vega's fallback guesses 0.8 em per character, about 50%
 * too wide, which makes titles and labels reserve far too much room; Vega lets a caller supply
 * `textMetrics.width` instead (vl-convert does the same). We use Helvetica's advance widths
 * (AFM, 1/1000 em) for printable ASCII, scaled up 15% to cover wider system fonts (DejaVu Sans).
 */
// prettier-ignore
const HELVETICA: readonly number[] = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 … ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ … O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P … _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` … o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p … ~
];
const OTHER = 600;
const SCALE = 1.15;

export interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

export function textWidth(item: TextItem, text: unknown): number {
  const s = text == null ? '' : String(text).trim();
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  let units = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)! - 32;
    units += c >= 0 && c < HELVETICA.length ? HELVETICA[c]! : OTHER;
  }
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const w = (units / 1000) * size * SCALE * (bold ? 1.07 : 1);
  // Vega truncates text longer than `limit` (with an ellipsis), so it never takes more room
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
}
