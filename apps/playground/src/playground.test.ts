// End to end in real Chromium: build the playground (esbuild, from the packages' sources), serve
// it with the COOP/COEP static server, pick the bundled digits CNN, quantize it in the page's
// worker, check the numbers, the report's charts and the downloaded int8 model (decoded with
// @octet/onnx and run with @octet/runtime in Node).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModelProto, decodeTensorProto, encodeTensorProto, forEachModelTensor, isExternal, makeTensor, tensorDims, tensorValues } from '@octet/onnx';
import { saveModel } from '@octet/onnx/node';
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

/** Drops files on the drop zone the way a browser does: a `drop` event carrying a DataTransfer. */
async function dropFiles(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  await page.evaluate(
    (files) => {
      const dt = new DataTransfer();
      for (const { name, b64 } of files) dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
      document.getElementById('dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    files.map(({ name, bytes }) => ({ name, b64: Buffer.from(bytes).toString('base64') })),
  );
}

/**
 * Drags a folder from the file system onto the drop zone as the OS would: Chromium's own drag
 * events (DevTools protocol Input.dispatchDragEvent with the folder's path), so the page gets a
 * real directory entry from webkitGetAsEntry.
 */
async function dropFolder(page: Page, folder: string): Promise<void> {
  const box = (await page.locator('#dropzone').boundingBox())!;
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

/** Waits for the page to show the dropped model (its name and side files). */
const droppedShown = (page: Page, text: string) => page.waitForFunction((t) => document.getElementById('dropped')?.textContent?.includes(t), text, { timeout: WAIT });

/** Chooses labelled data files in the page's data input and waits until the page took them. */
async function useData(page: Page, files: { name: string; buffer: Buffer }[]): Promise<void> {
  await page.setInputFiles('#data-input', files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
  await page.waitForFunction((name) => document.getElementById('data-files')?.textContent?.includes(name), files.at(-1)!.name, { timeout: WAIT });
}

/** Clicks Quantize and waits for the named error. */
async function failsWith(page: Page): Promise<string> {
  await page.click('#quantize');
  await page.waitForFunction(() => document.body.dataset.state === 'error', undefined, { timeout: WAIT });
  expect(await page.isEnabled('#quantize')).toBe(true);
  return (await page.textContent('#status')) ?? '';
}

const row = (page: Page, field: string) =>
  page.$eval(`#results-body tr[data-field="${field}"]`, (tr) => ({ float: Number((tr as HTMLElement).dataset.float), quantized: Number((tr as HTMLElement).dataset.quantized), text: tr.textContent ?? '' }));

const pb = (file: string) => decodeTensorProto(new Uint8Array(readFileSync(join(fixtures, file))));

/** Accuracy of a (downloaded) model run with @octet/runtime in Node on a fixture's test set. */
async function nodeAccuracy(bytes: Uint8Array, fixture: string): Promise<number> {
  const x = pb(`${fixture}/test/input_0.pb`);
  const session = await createSession(bytes);
  try {
    const out = (await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: tensorDims(x), data: tensorValues(x) as Float32Array } }))[session.outputNames[0]!]!;
    return taskMetric('accuracy', out.data as Float32Array, tensorValues(pb(`${fixture}/test/labels.pb`)) as BigInt64Array);
  } finally {
    session.dispose();
  }
}

/** The breast-cancer MLP with every weight in model.onnx.data, written by @octet/onnx's Node writer. */
function externalDataModel(): { model: Uint8Array; data: Uint8Array } {
  const out = join(dir, 'external-data');
  saveModel(decodeModelProto(new Uint8Array(readFileSync(join(fixtures, 'mlp_breast_cancer/model.onnx')))), join(out, 'model.onnx'), { externalData: { threshold: 0 } });
  return { model: new Uint8Array(readFileSync(join(out, 'model.onnx'))), data: new Uint8Array(readFileSync(join(out, 'model.onnx.data'))) };
}

/** The breast-cancer test set as the page's JSON upload ({ dims, data } form). */
function breastCancerJson(): string {
  const x = pb('mlp_breast_cancer/test/input_0.pb');
  const labels = Array.from(tensorValues(pb('mlp_breast_cancer/test/labels.pb')) as BigInt64Array, Number);
  return JSON.stringify({ inputs: { x: { dims: tensorDims(x), data: Array.from(tensorValues(x) as Float32Array) } }, labels });
}

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
        expect(Math.abs((await nodeAccuracy(bytes, 'cnn_digits')) - metric.quantized)).toBeLessThanOrEqual(1 / 540);
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
        await dropFiles(page, [{ name: 'model.onnx', bytes: readFileSync(join(fixtures, 'mlp_diabetes/model.onnx')) }]);
        await droppedShown(page, 'model.onnx');
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

  it(
    'takes a dropped model with external data (model.onnx + model.onnx.data) and labelled data of the user: float accuracy = ONNX Runtime\'s, a self-contained int8 download',
    async () => {
      const { page, errors } = await openPage();
      try {
        const ext = externalDataModel();
        await dropFiles(page, [
          { name: 'model.onnx', bytes: ext.model },
          { name: 'model.onnx.data', bytes: ext.data },
        ]);
        await droppedShown(page, 'with model.onnx.data');
        await useData(page, [{ name: 'breast_cancer.json', buffer: Buffer.from(breastCancerJson()) }]);
        await quantizeInPage(page);

        // The fixture's test set through the page's JSON upload: float accuracy as ONNX Runtime measured it.
        const ref = JSON.parse(readFileSync(join(fixtures, 'mlp_breast_cancer/ref/metrics.json'), 'utf8')) as { fp32: number; n_test: number };
        const metric = await row(page, 'metric');
        expect(metric.text).toMatch(new RegExp(`accuracy \\(${ref.n_test} test samples`));
        expect(metric.float).toBeCloseTo(ref.fp32, 6);
        // ONNX Runtime's own static QDQ loses 1.2 points on this model (ref ort_qdq); allow 2.
        expect(Math.abs(metric.quantized - metric.float)).toBeLessThanOrEqual(0.02);
        expect((await row(page, 'size')).float).toBe(ext.model.length + ext.data.length);

        // One file, no external data left in it, Q/DQ inside, and the accuracy the page showed.
        expect(await page.$$eval('#downloads a', (as) => as.map((a) => (a as HTMLAnchorElement).download))).toEqual(['model.int8.onnx']);
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#download')]);
        const bytes = new Uint8Array(readFileSync(await download.path()));
        const model = decodeModelProto(bytes);
        let external = 0;
        forEachModelTensor(model, (t) => void (isExternal(t) && external++));
        expect(external).toBe(0);
        expect(model.graph!.node.some((n) => n.opType === 'QuantizeLinear')).toBe(true);
        expect(await nodeAccuracy(bytes, 'mlp_breast_cancer')).toBeCloseTo(metric.quantized, 9);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    JOB + 2 * WAIT,
  );

  it(
    'takes a whole folder dragged onto the page (a real directory entry) or chosen as a folder: the model and its weights in a subfolder',
    async () => {
      const { page, errors } = await openPage();
      try {
        // bc/model.onnx keeps its weights in bc/weights/bc.bin; bc/notes.txt is not the model's.
        const folder = join(dir, 'folder-drop', 'bc');
        saveModel(decodeModelProto(new Uint8Array(readFileSync(join(fixtures, 'mlp_breast_cancer/model.onnx')))), join(folder, 'model.onnx'), { externalData: { location: 'weights/bc.bin', threshold: 0 } });
        writeFileSync(join(folder, 'notes.txt'), 'not part of the model');
        await dropFolder(page, folder);
        await droppedShown(page, 'weights/bc.bin');
        expect(await page.textContent('#dropped')).toMatch(/^Using model\.onnx \(.+\) with .*weights\/bc\.bin/);
        await quantizeInPage(page);
        expect((await row(page, 'size')).float).toBe(statSync(join(folder, 'model.onnx')).size + statSync(join(folder, 'weights/bc.bin')).size);
        expect((await row(page, 'agreement')).quantized).toBeGreaterThan(15);
        expect(await page.$$eval('#downloads a', (as) => as.map((a) => (a as HTMLAnchorElement).download))).toEqual(['model.int8.onnx']);
        // The same folder through "choose a folder" (<input webkitdirectory>: relative paths on the files).
        await page.evaluate(() => (document.getElementById('dropped')!.textContent = ''));
        await page.setInputFiles('#folder-input', folder);
        await droppedShown(page, 'weights/bc.bin');
        expect(await page.textContent('#dropped')).toMatch(/^Using model\.onnx \(.+\) with .*weights\/bc\.bin/);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    JOB + 2 * WAIT,
  );

  it('names the external data file a dropped model needs when it was not dropped with it', async () => {
    const { page } = await openPage();
    try {
      await dropFiles(page, [{ name: 'model.onnx', bytes: externalDataModel().model }]);
      await droppedShown(page, 'model.onnx');
      expect(await failsWith(page)).toMatch(/^Failed: MissingExternalDataError: model\.onnx keeps weights in external data file 'model\.onnx\.data' \(tensors '.+'.*\), not dropped with it/);
      expect(await page.isHidden('#results')).toBe(true);
    } finally {
      await page.close();
    }
  }, 2 * WAIT);

  it('names shape and type mismatches in the user\'s labelled data', async () => {
    const { page } = await openPage();
    try {
      await dropFiles(page, [{ name: 'model.onnx', bytes: readFileSync(join(fixtures, 'mlp_breast_cancer/model.onnx')) }]);
      await droppedShown(page, 'model.onnx');
      // 29 features where the model takes 30.
      const narrow = JSON.stringify({ inputs: { x: [Array(29).fill(0)] }, labels: [0] });
      await useData(page, [{ name: 'narrow.json', buffer: Buffer.from(narrow) }]);
      expect(await failsWith(page)).toMatch(/^Failed: UserDataError: narrow\.json: input 'x' has shape \[1, 29\], the model expects \[.+, 30\] \(dimension 1 is 29, must be 30\)/);
      // An int64 tensor for the float32 input, as .pb files.
      const ids = encodeTensorProto(makeTensor('x', 'int64', [1, 30], Array(30).fill(1)));
      const labels = encodeTensorProto(makeTensor('labels', 'int64', [1], [0]));
      await useData(page, [
        { name: 'input_0.pb', buffer: Buffer.from(ids) },
        { name: 'labels.pb', buffer: Buffer.from(labels) },
      ]);
      expect(await failsWith(page)).toBe("Failed: UserDataError: input_0.pb: the data is int64, the model's input 'x' is float32");
      // A NumPy array in Fortran order (written by NumPy: test-data/npy).
      const npy = (file: string) => readFileSync(fileURLToPath(new URL(`../test-data/npy/${file}`, import.meta.url)));
      await useData(page, [
        { name: 'input_0.npy', buffer: npy('x_fortran.npy') },
        { name: 'labels.npy', buffer: npy('labels_i64.npy') },
      ]);
      expect(await failsWith(page)).toMatch(/^Failed: UserDataError: input_0\.npy is in Fortran order/);
      // Class ids beyond the model's two outputs.
      const wrongLabels = JSON.stringify({ inputs: { x: [Array(30).fill(0)] }, labels: [5] });
      await useData(page, [{ name: 'labels5.json', buffer: Buffer.from(wrongLabels) }]);
      expect(await failsWith(page)).toMatch(/^Failed: UserDataError: labels5\.json: label 0 is class 5, but the model's output '.+' scores 2 classes/);
      expect(await page.isHidden('#results')).toBe(true);
    } finally {
      await page.close();
    }
  }, 4 * WAIT);

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
