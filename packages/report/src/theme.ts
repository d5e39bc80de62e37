import type { Config } from 'vega-lite';

/** One palette for the whole page: float is always blue, quantized orange, the reference teal. */
export const COLORS = {
  float: '#4c78a8',
  quantized: '#f58518',
  reference: '#72b7b2',
  poor: '#d64541',
  fair: '#e8a33a',
  good: '#54a24b',
  neutral: '#b8c2cc',
  ink: '#1f2933',
  muted: '#52606d',
} as const;

/** Only fonts every system has; the page loads nothing. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const VEGA_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    labelColor: COLORS.muted,
    titleColor: COLORS.ink,
    gridColor: '#e4e7eb',
    domainColor: '#9aa5b1',
    tickColor: '#9aa5b1',
    labelLimit: 260,
  },
  legend: { labelLimit: 320, labelFontSize: 11, titleFontSize: 12, labelColor: COLORS.muted, titleColor: COLORS.ink, orient: 'top' },
  title: {
    fontSize: 14,
    fontWeight: 600,
    anchor: 'start',
    color: COLORS.ink,
    subtitleColor: COLORS.muted,
    subtitleFontSize: 11.5,
    offset: 10,
  },
};
