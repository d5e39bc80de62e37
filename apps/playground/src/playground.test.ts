// End to end in real Chromium: build the playground (esbuild, from the packages' sources), serve
// it with the COOP/COEP static server, pick the bundled digits CNN, quantize it in the page's
// worker, check the numbers, the report's charts and the downloaded int8 model (decoded with
// @octet/onnx and run with @octet/runtime in Node).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModelProto, decodeTensorProto, tensorDims, tensorValues } from '@octet/onnx';
import { createSession } from '@octet/runtime';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without types
import { buildPlayground } from '../scripts/build.mjs';
import { createStaticServer, listen } from './server/static-server.js';
import { taskMetric } from './worker/metrics.js';

const fixtures = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));
const WAIT = 60_000; // page load, worker start
const JOB = 240_000; // one quantize + evaluate + report in the page

let dir: string;
let server: Server;
let base: string;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octet-playground-'));
  await buildPlayground({ out: dir, dev: true, fromSource: true });
  server = createStaticServer(join(dir, 'public'));
  base = await listen(server, 0, '127.0.0.1');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: WAIT,
  });
});

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

/** A raw GET (no URL normalization by the client), for headers and path checks. */
function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: WAIT }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', fail);
    req.end();
  });
}

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage();
  page.setDefaultTimeout(WAIT);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base, { timeout: WAIT });
  await page.waitForFunction(() => ['idle', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: WAIT });
  if ((await page.evaluate(() => document.body.dataset.state)) === 'error') throw new Error(`the playground did not start: ${await page.textContent('#status')}`);
  return { page, errors };
}

/** Clicks Quantize and waits for the worker to finish (done or error). */
async function quantizeInPage(page: Page): Promise<void> {
  await page.click('#quantize');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: JOB, polling: 250 });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'done') throw new Error(`the playground failed: ${await page.textContent('#status')}`);
}

/** Drops a file on the drop zone the way a browser does: a `drop` event carrying a DataTransfer. */
async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ({ name, b64 }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name));
      document.getElementById('dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, b64: Buffer.from(bytes).toString('base64') },
  );
}

const row = (page: Page, field: string) =>
  page.$eval(`#results-body tr[data-field="${field}"]`, (tr) => ({ float: Number((tr as HTMLElement).dataset.float), quantized: Number((tr as HTMLElement).dataset.quantized), text: tr.textContent ?? '' }));

const pb = (file: string) => decodeTensorProto(new Uint8Array(readFileSync(join(fixtures, file))));

describe('static server', () => {
  it('sends COOP/COEP on every response and keeps requests inside the public folder', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(index.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(String(index.headers['content-type'])).toMatch(/^text\/html/);
    expect((await get('/wasm/octet-kernels-simd.wasm')).headers['content-type']).toBe('application/wasm');
    // dist/server.js sits next to public/: not reachable (URL parsing folds %2e%2e, the server refuses an encoded '/')
    expect((await get('/%2e%2e/server.js')).status).toBe(404);
    expect((await get('/..%2fserver.js')).status).toBe(400);
    const missing = await get('/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });
});

describe('playground in Chromium', () => {
  it(
    'quantizes the bundled digits CNN in a worker: int8 accuracy within a point of float, charts, a working download',
    async () => {
      const { page, errors } = await openPage();
      try {
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
        expect(await page.textContent('#env')).toMatch(/Cross-origin isolated: Octet runs with \d+ threads? \([a-z-]+ kernels\)/);
        await page.selectOption('#model-select', 'cnn_digits');
        await quantizeInPage(page);

        // Float accuracy as ONNX Runtime measured it for the fixture; int8 within one point.
        const ref = JSON.parse(readFileSync(join(fixtures, 'cnn_digits/ref/metrics.json'), 'utf8')) as { fp32: number; fp32_bytes: number };
        const metric = await row(page, 'metric');
        expect(metric.text).toMatch(/accuracy \(540 test samples/);
        expect(metric.float).toBeCloseTo(ref.fp32, 6);
        expect(Math.abs(metric.quantized - metric.float)).toBeLessThanOrEqual(0.01);
        expect(metric.text).toContain(`${(100 * metric.quantized).toFixed(2)} %`);
        const size = await row(page, 'size');
        expect(size.float).toBe(ref.fp32_bytes);
        expect(size.quantized).toBeLessThan(size.float / 2);
        const latency = await row(page, 'latency');
        for (const v of [latency.float, latency.quantized]) expect(v).toBeGreaterThan(0);
        expect((await row(page, 'agreement')).quantized).toBeGreaterThan(20);

        // The report's charts, inline SVG in the sandboxed iframe.
        const report = page.frameLocator('#report');
        await report.locator('svg').first().waitFor({ timeout: WAIT });
        expect(await report.locator('svg').count()).toBeGreaterThanOrEqual(3);
        expect(await report.locator('body').textContent()).toContain('cnn_digits.onnx');
        const shots = process.env.OCTET_PLAYGROUND_SCREENSHOT_DIR;
        if (shots) await page.screenshot({ path: join(shots, 'playground.png'), fullPage: true, timeout: WAIT });

        // The download: a valid ONNX model with quantized nodes that runs and scores what the page showed.
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#download')]);
        expect(download.suggestedFilename()).toBe('cnn_digits.int8.onnx');
        const path = await download.path();
        const bytes = new Uint8Array(readFileSync(path));
        expect(bytes.length).toBe(size.quantized);
        const model = decodeModelProto(bytes);
        const ops = model.graph!.node.map((n) => n.opType);
        expect(ops.filter((op) => op === 'QuantizeLinear').length).toBeGreaterThan(0);
        expect(ops.filter((op) => op === 'DequantizeLinear').length).toBeGreaterThan(0);
        const x = pb('cnn_digits/test/input_0.pb');
        const session = await createSession(bytes);
        try {
          const out = (await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: tensorDims(x), data: tensorValues(x) as Float32Array } }))[session.outputNames[0]!]!;
          const accuracy = taskMetric('accuracy', out.data as Float32Array, tensorValues(pb('cnn_digits/test/labels.pb')) as BigInt64Array);
          expect(Math.abs(accuracy - metric.quantized)).toBeLessThanOrEqual(1 / 540);
        } finally {
          session.dispose();
        }
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    JOB + 4 * WAIT,
  );

  it(
    'quantizes the bundled two-input transformer encoder (int64 token ids + mask): int8 accuracy within a point of float',
    async () => {
      const { page, errors } = await openPage();
      try {
        await page.selectOption('#model-select', 'encoder_sentiment');
        await quantizeInPage(page);
        const ref = JSON.parse(readFileSync(join(fixtures, 'encoder_sentiment/ref/metrics.json'), 'utf8')) as { fp32: number };
        const metric = await row(page, 'metric');
        expect(metric.text).toMatch(/accuracy \(600 test samples/);
        expect(metric.float).toBeCloseTo(ref.fp32, 6);
        expect(Math.abs(metric.quantized - metric.float)).toBeLessThanOrEqual(0.01);
        expect(await page.frameLocator('#report').locator('svg').count()).toBeGreaterThanOrEqual(3);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    JOB + 2 * WAIT,
  );

  it(
    'dynamic mode needs no calibration and keeps the digits CNN within a point',
    async () => {
      const { page, errors } = await openPage();
      try {
        await page.selectOption('#model-select', 'cnn_digits');
        await page.selectOption('#mode', 'dynamic');
        expect(await page.isDisabled('#calibration')).toBe(true);
        await quantizeInPage(page);
        const metric = await row(page, 'metric');
        expect(Math.abs(metric.quantized - metric.float)).toBeLessThanOrEqual(0.01);
        expect(await page.frameLocator('#report').locator('body').textContent()).toContain('dynamic');
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    JOB + 2 * WAIT,
  );

  it(
    'quantizes a model dropped on the page on random inputs and reports output agreement instead of a task metric',
    async () => {
      const { page, errors } = await openPage();
      try {
        await dropFile(page, 'model.onnx', readFileSync(join(fixtures, 'mlp_diabetes/model.onnx')));
        await page.waitForFunction(() => document.getElementById('dropped')?.textContent?.includes('model.onnx'), undefined, { timeout: WAIT });
        await quantizeInPage(page);
        expect(await page.$('#results-body tr[data-field="metric"]')).toBeNull();
        expect((await row(page, 'agreement')).quantized).toBeGreaterThan(15);
        expect(await page.textContent('#notes')).toContain('random inputs');
        expect(await page.getAttribute('#download', 'download')).toBe('model.int8.onnx');
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    JOB + 2 * WAIT,
  );

  it('names the problem when the chosen file is not an ONNX model, and stays usable', async () => {
    const { page } = await openPage();
    try {
      await page.setInputFiles('#file-input', { name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not protobuf') });
      await page.waitForFunction(() => document.getElementById('dropped')?.textContent?.includes('broken.onnx'), undefined, { timeout: WAIT });
      await page.click('#quantize');
      await page.waitForFunction(() => document.body.dataset.state === 'error', undefined, { timeout: WAIT });
      expect(await page.textContent('#status')).toMatch(/^Failed: .*(ONNX|protobuf|wire|model)/i);
      expect(await page.isEnabled('#quantize')).toBe(true);
      expect(await page.isHidden('#results')).toBe(true);
    } finally {
      await page.close();
    }
  }, 2 * WAIT);

  it('cancels a running job (the worker is replaced) and is ready again', async () => {
    const { page, errors } = await openPage();
    try {
      await page.selectOption('#model-select', 'mobilenetv2_digits');
      await page.click('#quantize');
      await page.waitForFunction(() => document.body.dataset.state === 'running', undefined, { timeout: WAIT });
      await page.click('#cancel');
      expect(await page.textContent('#status')).toBe('Cancelled.');
      await page.waitForFunction(() => document.body.dataset.state === 'idle', undefined, { timeout: WAIT });
      expect(await page.isEnabled('#quantize')).toBe(true);
      expect(await page.isHidden('#cancel')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 2 * WAIT);
});
