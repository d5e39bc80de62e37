import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankLayers } from '../src/index.js';
import { writeReport } from '../src/node.js';
import type { ReportData } from '../src/report-data.js';
import { syntheticReport } from './synthetic-data.js';

// Set OCTET_REPORT_SCREENSHOT_DIR to keep the report and its screenshot for a look.
const keepDir = process.env.OCTET_REPORT_SCREENSHOT_DIR;
const EVIL = '<script>window.__pwned = 1</script>';

function reportData(): ReportData {
  const d = syntheticReport();
  d.layers!.push({ name: EVIL, sqnrDb: 3, cosine: 0.5 });
  return d;
}

describe('report in real Chromium', () => {
  let browser: Browser;
  let dir: string;
  let url: string;
  let data: ReportData;

  beforeAll(async () => {
    dir = keepDir ?? (await mkdtemp(join(tmpdir(), 'octet-report-browser-')));
    await mkdir(dir, { recursive: true });
    data = reportData();
    const file = join(dir, 'report.html');
    await writeReport(file, data);
    url = pathToFileURL(file).href;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (!keepDir && dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the report; every request other than file:/data: is recorded and aborted. */
  async function open(ctx: BrowserContext) {
    const requests: string[] = [];
    const blocked: string[] = [];
    const errors: string[] = [];
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      requests.push(u);
      if (u.startsWith('file:') || u.startsWith('data:')) return route.continue();
      blocked.push(u);
      return route.abort();
    });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, blocked, errors };
  }

  it('loads with no console errors, no network and no script execution', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, requests, blocked, errors } = await open(ctx);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(requests).toEqual([url]);
    const dom = await page.evaluate(() => ({
      scripts: document.scripts.length,
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      text: document.body.innerText,
    }));
    expect(dom.scripts).toBe(0);
    expect(dom.pwned).toBeUndefined();
    // the hostile layer name is shown as text, in the chart and in the table
    expect(dom.text).toContain(EVIL);
    await ctx.close();
  });

  it('draws every chart as static SVG with JavaScript disabled, and the page is not blank', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const { page, errors } = await open(ctx);
    expect(errors).toEqual([]);

    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll('figure.chart')).map((f) => {
        const svg = f.querySelector('svg')!;
        const box = svg.getBoundingClientRect();
        return {
          kind: f.getAttribute('data-chart'),
          elements: svg.querySelectorAll('*').length,
          marks: svg.querySelectorAll('path, rect, line').length,
          width: box.width,
          height: box.height,
          texts: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent ?? ''),
        };
      }),
    );
    const kinds = charts.map((c) => c.kind);
    expect(kinds).toEqual([
      'layer-error',
      'weight-histogram',
      'weight-histogram',
      'weight-histogram',
      'weight-histogram',
      'activation-ranges',
      'output-scatter',
      'output-scatter',
      'tuning-steps',
    ]);
    for (const c of charts) {
      expect(c.elements, c.kind!).toBeGreaterThan(30);
      expect(c.marks, c.kind!).toBeGreaterThan(10);
      expect(c.width, c.kind!).toBeGreaterThan(250);
      expect(c.height, c.kind!).toBeGreaterThan(150);
    }
    const has = (i: number, text: string) => expect(charts[i]!.texts, `${charts[i]!.kind}: ${text}`).toContain(text);
    has(0, 'Per-layer error, worst first');
    has(0, 'SQNR (dB), higher is better');
    has(0, 'cosine similarity');
    has(0, `1. ${EVIL}`);
    // histograms for the worst layers that have weights, in rank order
    const withWeights = new Set(data.weights!.map((w) => w.layer));
    const worst = rankLayers(data.layers!).filter((l) => withWeights.has(l.name)).slice(0, 4);
    worst.forEach((l, i) => has(1 + i, l.name));
    has(1, 'count');
    has(5, 'Activation ranges chosen by calibration');
    has(6, 'logits');
    has(6, 'float model output');
    has(6, 'quantized model output');
    has(7, 'regression (mlp_diabetes)');
    has(8, 'Accuracy-driven tuning');
    has(8, 'accuracy');

    const headings = await page.evaluate(() => Array.from(document.querySelectorAll('h2')).map((h) => h.textContent));
    expect(headings).toEqual([
      'Summary',
      'Per-layer error',
      'Weights and the quantization grid',
      'Activation ranges',
      'Quantized vs float outputs',
      'Accuracy-driven tuning',
      'Run details',
    ]);
    const summary = await page.evaluate(() => Array.from(document.querySelectorAll('table.summary th')).map((t) => t.textContent));
    expect(summary).toEqual(['', 'Float', 'Quantized', 'onnxruntime quantized', 'Quantized vs float']);

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    await ctx.close();

    // decode the PNG in a scratch page (JS on) and check it has real content, not one colour
    const scratch = await browser.newContext();
    const p = await scratch.newPage();
    const png = (await readFile(shot)).toString('base64');
    const stats = await p.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      let dark = 0;
      for (let i = 0; i < px.length; i += 4 * 7) {
        colours.add(((px[i]! >> 3) << 10) | ((px[i + 1]! >> 3) << 5) | (px[i + 2]! >> 3));
        if (px[i]! + px[i + 1]! + px[i + 2]! < 300) dark++;
      }
      return { width: c.width, height: c.height, colours: colours.size, darkShare: dark / (px.length / 28) };
    }, png);
    await scratch.close();
    expect(stats.width).toBe(1280);
    expect(stats.height).toBeGreaterThan(2500);
    expect(stats.colours).toBeGreaterThan(50);
    // text and marks cover some of the page, but it is mostly background
    expect(stats.darkShare).toBeGreaterThan(0.005);
    expect(stats.darkShare).toBeLessThan(0.5);
  });
});
