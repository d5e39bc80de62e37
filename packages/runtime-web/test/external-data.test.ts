// onnxruntime-common's `externalData` option in real Chromium: a model signed in Node with its
// weights in a side file, loaded through onnxruntime-web's `ort` and through createWebSession —
// model by URL or bytes, side file by URL, bytes or Blob — verified with the public key and run;
// a tampered side file is refused. Files are served by Playwright request routing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModelProto, decodeTensorProto } from '@octet/onnx';
import { externalDataFromDir, saveModel } from '@octet/onnx/node';
import { tensorFromProto } from '@octet/runtime';
import { exportPublicKeyPem, privateKeyFromSeed, signSync } from '@octet/signature';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without types
import { bundle } from '../scripts/bundle.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = `${repo}test-data/fixtures/mlp_breast_cancer`;
const ORIGIN = 'http://octet.test';
const pb = (file: string) => tensorFromProto(decodeTensorProto(new Uint8Array(readFileSync(`${fixture}/${file}`))), file);

const key = privateKeyFromSeed(new Uint8Array(32).fill(31));
let dir: string;
let browser: Browser;
let page: Page;
let signatureChunk: string;
const served: string[] = [];

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import * as ort from '/ort/ort.min.mjs';
import * as octet from '/octet/octet-runtime-web.js';
octet.register(ort, { numThreads: 1 });
const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
window.__check = async ({ pub, input, dims }) => {
  const x = new Float32Array(input);
  const out = async (s) => {
    const r = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) });
    const o = r[s.outputNames[0]];
    await s.release();
    return Array.from(o.data);
  };
  const ep = [{ name: 'octet', publicKey: pub }];
  const model = await bytes('/m/model.onnx');
  const weights = await bytes('/m/weights.bin');
  const results = {
    urlAndUrl: await out(await ort.InferenceSession.create('/m/model.onnx', { executionProviders: ep, externalData: [{ path: 'weights.bin', data: '/m/weights.bin' }] })),
    bytesAndBytes: await out(await ort.InferenceSession.create(model, { executionProviders: ep, externalData: [{ path: './weights.bin', data: weights }] })),
    bytesAndBlob: await out(await ort.InferenceSession.create(model, { executionProviders: ep, externalData: [{ path: 'weights.bin', data: new Blob([weights]) }] })),
    // A plain string is the name and the URL (relative to the page), as in onnxruntime-web.
    plainString: await out(await ort.InferenceSession.create(model, { executionProviders: ep, externalData: ['weights.bin'] })),
  };
  const direct = await octet.createWebSession(model, { publicKey: pub, externalData: [{ path: 'weights.bin', data: '/m/weights.bin' }] });
  const d = await direct.run({ [direct.inputNames[0]]: { type: 'float32', dims, data: x } });
  results.direct = Array.from(d[direct.outputNames[0]].data);
  direct.dispose();
  const refused = async (p) => p.then(() => 'created', (e) => String(e && e.message));
  results.tampered = await refused(ort.InferenceSession.create(model, { executionProviders: ep, externalData: [{ path: 'weights.bin', data: '/m/tampered.bin' }] }));
  results.missing = await refused(ort.InferenceSession.create(model, { executionProviders: ep, externalData: [{ path: 'weights.bin', data: '/m/none.bin' }] }));
  results.unlisted = await refused(ort.InferenceSession.create(model, { executionProviders: ep }));
  return results;
};
window.__ready = true;
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octet-web-ext-'));
  const split = (await bundle(`${dir}/octet`, { minify: false })) as { lazy: string[]; inputsByChunk: Record<string, string[]> };
  signatureChunk = `/octet/${split.lazy.find((c) => split.inputsByChunk[c]!.some((i) => /node_modules\/@noble\//.test(i)))}`;
  saveModel(decodeModelProto(new Uint8Array(readFileSync(`${fixture}/model.onnx`))), join(dir, 'unsigned.onnx'), { externalData: { location: 'weights.bin', threshold: 0 } });
  const weights = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
  const files: Record<string, Uint8Array | string> = {
    '/index.html': PAGE,
    '/m/model.onnx': signSync(new Uint8Array(readFileSync(join(dir, 'unsigned.onnx'))), key, { externalData: externalDataFromDir(dir) }).model,
    '/m/weights.bin': weights,
    '/weights.bin': weights,
    '/m/tampered.bin': weights.map((v, i) => (i === 17 ? v ^ 2 : v)),
  };
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.route(`${ORIGIN}/**`, (route) => {
    const p = new URL(route.request().url()).pathname;
    const file = p.startsWith('/ort/') ? `${repo}node_modules/onnxruntime-web/dist/${p.slice(5)}` : p.startsWith('/octet/') ? `${dir}${p}` : undefined;
    const body = files[p] ?? (file ? readFileSync(file) : undefined);
    if (body === undefined) return route.fulfill({ status: 404, body: '' });
    served.push(p);
    return route.fulfill({ status: 200, contentType: TYPES[extname(p)] ?? 'application/octet-stream', body: typeof body === 'string' ? body : Buffer.from(body) });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction('window.__ready === true');
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Chromium: externalData option with a signed model', () => {
  it('verifies and runs the model by URL or bytes, side file by URL, bytes, Blob or plain name; refuses tampered and missing files', async () => {
    const x = pb('test/input_0.pb');
    const ref = pb('ref/fp32_output_0.pb').data as Float32Array;
    const r = (await page.evaluate(`window.__check(${JSON.stringify({ pub: exportPublicKeyPem(key), input: Array.from(x.data as Float32Array), dims: x.dims })})`)) as Record<string, number[] | string>;
    for (const k of ['urlAndUrl', 'bytesAndBytes', 'bytesAndBlob', 'plainString', 'direct']) {
      const out = r[k] as number[];
      expect(out.length, k).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1));
      expect(worst, k).toBeLessThan(1e-4);
    }
    expect(r.tampered).toMatch(/model signature check failed \(tampered\)/);
    expect(r.missing).toMatch(/cannot load externalData file '\/m\/none.bin': HTTP 404/);
    expect(r.unlisted).toMatch(/model signature check failed \(invalid-model\): tensor '.*' is in external data/);
    // Verification came from the bundle's lazily imported chunk (not in the main file).
    expect(served).toContain(signatureChunk);
  });
});
