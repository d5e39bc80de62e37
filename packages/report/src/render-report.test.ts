import { describe, expect, it } from 'vitest';
import { ReportDataError } from './errors.js';
import { renderReport } from './render-report.js';
import type { ReportData } from './report-data.js';

const EVIL = '<script>alert("x")</script>';

function evilReport(): ReportData {
  return {
    title: `Report ${EVIL}`,
    model: { name: EVIL, source: `"><img src=x onerror=alert(1)>` },
    summary: { metrics: [{ name: EVIL, higherIsBetter: true, float: 0.9, quantized: 0.8 }], referenceLabel: EVIL },
    layers: [
      { name: EVIL, sqnrDb: 12, cosine: 0.98 },
      { name: 'ok & fine', sqnrDb: 35, cosine: 0.9999 },
    ],
    weights: [{ layer: EVIL, values: [-0.1, 0, 0.1], grid: { scale: 0.01, zeroPoint: 0, qmin: -127, qmax: 127 }, type: EVIL }],
    activations: [{ tensor: EVIL, observedMin: -1, observedMax: 1, chosenMin: -0.5, chosenMax: 0.5 }],
    outputs: [{ name: EVIL, float: [1, 2], quantized: [1, 2.1] }],
    tuning: { metric: EVIL, higherIsBetter: true, floatMetric: 0.9, targetDrop: 0.01, steps: [{ step: 0, keptFloat: [EVIL], metric: 0.8, note: EVIL }], keptFloat: [EVIL] },
    options: { [EVIL]: EVIL, list: [EVIL, 1] },
    warnings: [EVIL],
  };
}

describe('renderReport', () => {
  it('keeps user strings as text everywhere, HTML and SVG', async () => {
    const page = await renderReport(evilReport());
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // inside the SVGs (Vega's escaping) the name is text too
    expect(page).toMatch(/<text[^>]*>[^<]*&lt;script&gt;alert\("x"\)&lt;\/script&gt;/);
  });

  it('is a single page with inline CSS, inline SVG charts and nothing to load', async () => {
    const page = await renderReport(evilReport());
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('Content-Security-Policy');
    expect(page).not.toMatch(/<(script|link|iframe|object|embed|img)\b/i);
    expect(page).not.toMatch(/<[^<>]*\s(src|srcset|href)="(?!#)/i);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
    expect(page.match(/<figure class="chart"/g)).toHaveLength(5);
    expect(page.match(/<svg /g)).toHaveLength(5);
  });

  it('renders the same bytes for the same data', async () => {
    expect(await renderReport(evilReport())).toBe(await renderReport(evilReport()));
  });

  it('shows only the sections it has data for', async () => {
    const page = await renderReport({ model: { name: 'tiny' } });
    expect(page).not.toContain('<svg');
    expect(page).toContain('id="details"');
    expect(page).not.toContain('id="summary"');
    expect(page).toContain('Warnings (0)');
  });

  it('ranks layers and picks weight histograms of the worst layers', async () => {
    const grid = { scale: 0.01, zeroPoint: 0, qmin: -127, qmax: 127 };
    const page = await renderReport({
      model: { name: 'm' },
      layers: [
        { name: 'good', sqnrDb: 40, cosine: 1 },
        { name: 'bad', sqnrDb: 10, cosine: 0.9 },
        { name: 'mid', sqnrDb: 25, cosine: 0.99 },
      ],
      weights: ['good', 'mid', 'bad'].map((layer) => ({ layer, values: [-0.5, 0.5], grid })),
      limits: { maxWeightHistograms: 2 },
    });
    expect(page.indexOf('1. bad')).toBeGreaterThan(0);
    expect(page.indexOf('1. bad')).toBeLessThan(page.indexOf('2. mid'));
    expect(page.indexOf('2. mid')).toBeLessThan(page.indexOf('3. good'));
    expect(page.match(/data-chart="weight-histogram"/g)).toHaveLength(2);
    const hist = page.slice(page.indexOf('data-chart="weight-histogram"'));
    expect(hist.indexOf('>bad<')).toBeGreaterThan(0);
    expect(hist.indexOf('>mid<')).toBeGreaterThan(hist.indexOf('>bad<'));
    expect(hist.indexOf('>good<')).toBe(-1);
  });

  it('rejects malformed data with a typed error naming the field', async () => {
    const bad = (d: Partial<ReportData>) => renderReport({ model: { name: 'm' }, ...d });
    await expect(bad({ outputs: [{ name: 'y', float: [1, 2], quantized: [1] }] })).rejects.toThrow(
      /outputs\[0\] \("y"\): float has 2 values but quantized has 1/,
    );
    await expect(
      bad({ weights: [{ layer: 'w', histogram: { edges: [0, 1], counts: [1, 2] }, grid: { scale: 1, zeroPoint: 0, qmin: 0, qmax: 1 } }] }),
    ).rejects.toThrow(/weights\[0\] \("w"\)\.histogram: needs counts.length \+ 1 edges/);
    await expect(bad({ weights: [{ layer: 'w', values: [1], grid: { scale: 0, zeroPoint: 0, qmin: 0, qmax: 1 } }] })).rejects.toThrow(
      /grid\.scale: must be a finite positive number/,
    );
    await expect(bad({ weights: [{ layer: 'w', grid: { scale: 1, zeroPoint: 0, qmin: 0, qmax: 1 } }] })).rejects.toThrow(/needs `values` or `histogram`/);
    await expect(bad({ activations: [{ tensor: 't', observedMin: 1, observedMax: 0, chosenMin: 0, chosenMax: 1 }] })).rejects.toThrow(
      /observedMin 1 > observedMax 0/,
    );
    await expect(bad({ limits: { maxScatterPoints: 0 } })).rejects.toThrow(/limits\.maxScatterPoints: must be a positive integer, got 0/);
    await expect(renderReport({ model: { name: '' } })).rejects.toBeInstanceOf(ReportDataError);
  });
});
