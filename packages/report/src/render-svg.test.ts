import { describe, expect, it } from 'vitest';
import { renderChart, scopeSvgIds } from './render-svg.js';

describe('scopeSvgIds', () => {
  it('renames defined ids in order and rewrites their references only', () => {
    const svg =
      '<svg><defs><clipPath id="clip10"><rect/></clipPath><clipPath id="clip1"><rect/></clipPath></defs>' +
      '<g clip-path="url(#clip1)"/><g clip-path="url(#clip10)"/><use href="#clip1"/><text>url(#clip2) id="x"</text></svg>';
    expect(scopeSvgIds(svg, 'c3')).toBe(
      '<svg><defs><clipPath id="c3-1"><rect/></clipPath><clipPath id="c3-2"><rect/></clipPath></defs>' +
        '<g clip-path="url(#c3-2)"/><g clip-path="url(#c3-1)"/><use href="#c3-2"/><text>url(#clip2) id="x"</text></svg>',
    );
    expect(scopeSvgIds('<svg/>', 'p')).toBe('<svg/>');
  });

  it('makes two rendered charts with clipping share no ids', async () => {
    const spec = {
      data: { values: [{ x: 1, y: 2 }, { x: 5, y: 3 }] },
      mark: { type: 'line' as const, clip: true },
      encoding: { x: { field: 'x', type: 'quantitative' as const, scale: { domain: [0, 3] } }, y: { field: 'y', type: 'quantitative' as const } },
    };
    const a = (await renderChart(spec, 'a')).svg;
    const b = (await renderChart(spec, 'b')).svg;
    const ids = (s: string) => [...s.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a)).toEqual(['a-1']);
    expect(ids(b)).toEqual(['b-1']);
    expect(a).toContain('url(#a-1)');
  });
});

describe('renderChart', () => {
  it('refuses to load data from a URL instead of fetching it', async () => {
    const spec = { data: { url: 'https://example.com/data.json' }, mark: 'point' as const, encoding: { x: { field: 'a', type: 'quantitative' as const } } };
    const { svg, warnings } = await renderChart(spec, 'u').catch((e: Error) => ({ svg: '', warnings: [e.message] }));
    // Vega reports the failed load as a warning or error; either way nothing is fetched and no data is drawn
    expect(warnings.join(' ')).toMatch(/never load external resources/);
    expect(svg).not.toContain('role-mark layer');
  });
});
