// The same signatures in a real browser (Chromium, WebCrypto Ed25519 and the @noble fallback)
// as in Node.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto, encodeModelProto } from '@octet/onnx';
import { privateKeyFromSeed, sign, verify } from '../src/index.js';

const model = new Uint8Array(readFileSync(new URL('../../../test-data/fixtures/mlp_diabetes/model.onnx', import.meta.url)));
const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 5) & 255);

describe('@octet/signature in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'octet-sig-browser-'));
    const out = await build({
      entryPoints: [fileURLToPath(new URL('./browser-entry.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      alias: { '@octet/onnx': fileURLToPath(new URL('../../onnx/src/index.ts', import.meta.url)) },
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'bundle.js'), out.outputFiles[0].contents);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script src="bundle.js"></script>');
    url = pathToFileURL(join(dir, 'index.html')).href;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs to the same bytes as Node (WebCrypto and noble) and verifies Node signatures', async () => {
    const key = privateKeyFromSeed(seed);
    const node = await sign(model, key);
    const proto = decodeModelProto(node.model.slice());
    const t = proto.graph!.initializer.find((i) => i.rawData.length > 0)!;
    t.rawData = t.rawData.map((v, i) => (i === 0 ? v ^ 1 : v));
    const tampered = encodeModelProto(proto);
    expect(await verify(tampered, key.publicKey)).toMatchObject({ valid: false, reason: 'tampered' });

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const result = await page.evaluate(
      async ({ modelB64, seedArr, nodeSigned, tamperedB64 }) => {
        const s = (globalThis as any).octetSignature;
        const b = (x: string) => Uint8Array.from(atob(x), (c) => c.charCodeAt(0));
        const key = s.privateKeyFromSeed(Uint8Array.from(seedArr));
        const web = await s.sign(b(modelB64), key);
        const webcrypto = !!(await crypto.subtle.importKey('raw', key.publicKey.bytes, { name: 'Ed25519' }, false, ['verify']).catch(() => null));
        s.useWebCrypto(false);
        s.useNativeDigest(false);
        const noble = await s.sign(b(modelB64), key);
        const nobleVerify = await s.verify(b(nodeSigned), key.publicKey);
        const syncSig = s.signSync(b(modelB64), key).signature;
        s.useWebCrypto(true);
        s.useNativeDigest(true);
        return {
          webcrypto,
          web: web.signature,
          noble: noble.signature,
          syncSig,
          verify: await s.verify(b(nodeSigned), key.publicKey),
          nobleVerify,
          tampered: await s.verify(b(tamperedB64), key.publicKey),
        };
      },
      {
        modelB64: Buffer.from(model).toString('base64'),
        seedArr: [...seed],
        nodeSigned: Buffer.from(node.model).toString('base64'),
        tamperedB64: Buffer.from(tampered).toString('base64'),
      },
    );
    await page.close();
    expect(errors).toEqual([]);
    expect(result.webcrypto).toBe(true);
    expect(result.web).toBe(node.signature);
    expect(result.noble).toBe(node.signature);
    expect(result.syncSig).toBe(node.signature);
    expect(result.verify).toMatchObject({ valid: true, keyId: key.publicKey.keyId });
    expect(result.nobleVerify).toMatchObject({ valid: true });
    expect(result.tampered).toMatchObject({ valid: false, reason: 'tampered' });
  });
});
