// onnxruntime-common's `externalData` session option in Node: a signed model with its weights in
// a side file, given as bytes (side file as bytes, a path or a file: URL) or as a path, through
// the direct API and through onnxruntime-node's `ort` — verified and run like the original.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeModelProto } from '@octet/onnx';
import { externalDataFromDir, saveModel } from '@octet/onnx/node';
import { ExternalDataLoadError, ModelSignatureError } from '@octet/runtime';
import { exportPublicKeyPem, privateKeyFromSeed, signSync } from '@octet/signature';
import * as ortNode from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeSession, createSessionFromPath } from '../src/index.js';
import { registerOn, type OrtModule } from './contract.js';
import { feedsOf, fixture, maxRelativeError, modelPath } from './fixture-data.js';

const NAME = 'mlp_breast_cancer';
const f = fixture(NAME);
const key = privateKeyFromSeed(new Uint8Array(32).fill(21));
const pub = exportPublicKeyPem(key);
const dir = mkdtempSync(join(tmpdir(), 'octet-ext-option-'));
saveModel(decodeModelProto(new Uint8Array(readFileSync(modelPath(NAME)))), join(dir, 'unsigned.onnx'), { externalData: { location: 'weights.bin', threshold: 0 } });
const weightsPath = join(dir, 'weights.bin');
const weights = new Uint8Array(readFileSync(weightsPath));
const signed = signSync(new Uint8Array(readFileSync(join(dir, 'unsigned.onnx'))), key, { externalData: externalDataFromDir(dir) }).model;
writeFileSync(join(dir, 'model.onnx'), signed);
writeFileSync(join(dir, 'tampered.bin'), weights.map((v, i) => (i === 9 ? v ^ 4 : v)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const feeds = () => feedsOf(f);
const close = (out: ArrayLike<number>) => expect(maxRelativeError(out, f.reference.data as Float32Array)).toBeLessThan(1e-4);

describe('runtime-node: externalData option', () => {
  it('createNodeSession verifies and runs bytes with the side file as bytes, a path or a file: URL', async () => {
    for (const data of [weights, weightsPath, pathToFileURL(weightsPath).href]) {
      const s = await createNodeSession(signed, { publicKey: pub, externalData: [{ path: 'weights.bin', data }] });
      close((await s.run(feeds()))[s.outputNames[0]].data as Float32Array);
      s.dispose();
    }
  });

  it('createSessionFromPath verifies the side file from the folder, or the one the option names', async () => {
    const s = await createSessionFromPath(join(dir, 'model.onnx'), { publicKey: pub });
    close((await s.run(feeds()))[s.outputNames[0]].data as Float32Array);
    s.dispose();
    await expect(createSessionFromPath(join(dir, 'model.onnx'), { publicKey: pub, externalData: [{ path: 'weights.bin', data: join(dir, 'tampered.bin') }] })).rejects.toThrow(
      ModelSignatureError,
    );
  });

  it('a path that cannot be read is an ExternalDataLoadError naming it', async () => {
    const missing = join(dir, 'nope.bin');
    await expect(createNodeSession(signed, { externalData: [{ path: 'weights.bin', data: missing }] })).rejects.toThrow(ExternalDataLoadError);
    await expect(createNodeSession(signed, { externalData: [{ path: 'weights.bin', data: missing }] })).rejects.toThrow(missing);
  });

  it("onnxruntime-node's ort: bytes + externalData + publicKey verified, tampered refused", async () => {
    const ort = ortNode as unknown as OrtModule;
    registerOn(ort);
    const ortFeeds = Object.fromEntries(f.metrics.inputs.map((n, i) => [n, new ort.Tensor(f.inputs[i].dtype, f.inputs[i].data, f.inputs[i].dims)]));
    const ep = [{ name: 'octet', publicKey: pub }];
    for (const data of [weights, weightsPath]) {
      const s = await ort.InferenceSession.create(signed, { executionProviders: ep, externalData: [{ path: 'weights.bin', data }] });
      close((await s.run(ortFeeds))[s.outputNames[0]].data as Float32Array);
      await s.release();
    }
    await expect(ort.InferenceSession.create(signed, { executionProviders: ep, externalData: [{ path: 'weights.bin', data: join(dir, 'tampered.bin') }] })).rejects.toThrow(
      /model signature check failed \(tampered\)/,
    );
  });
});
