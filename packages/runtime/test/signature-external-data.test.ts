// A signed model whose weights live in a side file, given as BYTES with onnxruntime-common's
// `externalData` option (`[{ path, data }]`): it loads and verifies exactly like the same model
// read from its folder, and a changed, missing or unlisted side file is refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-common';
import { decodeModelProto } from '@octet/onnx';
import { externalDataFromDir, saveModel } from '@octet/onnx/node';
import { canonicalize, exportPublicKeyPem, privateKeyFromSeed, signSync } from '@octet/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExternalDataLoadError,
  InvalidModelError,
  ModelSignatureError,
  createOctetBackend,
  createSession,
  createSessionSync,
  externalDataReader,
  type ExternalDataFile,
} from '../src/index.js';
import { feedsOf, loadFixture } from './fixtures.js';

const fx = loadFixture('mlp_diabetes');
const key = privateKeyFromSeed(new Uint8Array(32).fill(11));
const dir = mkdtempSync(join(tmpdir(), 'octet-sig-ext-'));
// Every initializer in weights.bin (threshold 0), then signed over model + side file.
saveModel(decodeModelProto(fx.model), join(dir, 'model.onnx'), { externalData: { location: 'weights.bin', threshold: 0 } });
const unsigned = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
const weights = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
const signed = signSync(unsigned, key, { externalData: externalDataFromDir(dir) }).model;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tamperedWeights = weights.slice();
tamperedWeights[5] ^= 0x01;

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('session was created');
    },
    (e: Error) => e,
  );
}

describe('externalData as onnxruntime-common file entries', () => {
  let expected: Awaited<ReturnType<Awaited<ReturnType<typeof createSession>>['run']>>;
  beforeAll(async () => {
    expected = await (await createSession(fx.model)).run(feedsOf(fx));
  });

  it('the fixture really has every initializer outside the model', () => {
    const p = decodeModelProto(unsigned);
    expect(p.graph!.initializer.length).toBeGreaterThan(0);
    expect(p.graph!.initializer.every((t) => t.dataLocation === 1)).toBe(true);
    expect(weights.length).toBeGreaterThan(unsigned.length);
  });

  it('gives the same canonical digest as the model read from its folder', () => {
    const fromDir = canonicalize(signed, { externalData: externalDataFromDir(dir) }).digest;
    for (const files of [[{ path: 'weights.bin', data: weights }], [{ path: './weights.bin', data: weights.buffer as ArrayBuffer }]] as ExternalDataFile[][]) {
      expect(canonicalize(signed, { externalData: externalDataReader(files) }).digest).toEqual(fromDir);
    }
  });

  it('runs a signed model given as bytes like the original (Uint8Array, ArrayBuffer and Blob data)', async () => {
    const pub = exportPublicKeyPem(key);
    const datas = [weights, weights.slice().buffer, new Blob([weights])];
    for (const data of datas) {
      const s = await createSession(signed, { publicKey: pub, externalData: [{ path: 'weights.bin', data }] });
      expect(await s.run(feedsOf(fx))).toEqual(expected);
      s.dispose();
    }
    const sync = createSessionSync(signed, { publicKey: key.publicKey, externalData: [{ path: 'weights.bin', data: weights }] });
    expect(sync.runSync(feedsOf(fx))).toEqual(expected);
  });

  it('refuses changed, missing and unlisted side files with typed errors', async () => {
    const tampered = await failure(createSession(signed, { publicKey: key.publicKey, externalData: [{ path: 'weights.bin', data: tamperedWeights }] }));
    expect(tampered).toBeInstanceOf(ModelSignatureError);
    expect((tampered as ModelSignatureError).reason).toBe('tampered');

    const missing = await failure(createSession(signed, { publicKey: key.publicKey, externalData: [{ path: 'other.bin', data: weights }] }));
    expect(missing).toBeInstanceOf(ModelSignatureError);
    expect(missing.message).toMatch(/external data file 'weights.bin' not provided/);

    const none = await failure(createSession(signed, { publicKey: key.publicKey }));
    expect((none as ModelSignatureError).reason).toBe('invalid-model');

    // Without a key nothing is verified, but the model still cannot read a file it was not given.
    const unlisted = await failure(createSession(unsigned, { externalData: [{ path: 'other.bin', data: weights }] }));
    expect(unlisted).toBeInstanceOf(InvalidModelError);
    expect(unlisted.message).toMatch(/weights.bin/);
  });

  it('says what to do with paths and URLs, which only the adapters load', () => {
    expect(() => createSessionSync(signed, { externalData: [{ path: 'weights.bin', data: `${dir}/weights.bin` }] })).toThrow(/only createSession in @octet\/runtime-node or @octet\/runtime-web/);
    expect(() => createSessionSync(signed, { externalData: 'weights.bin' as unknown as ExternalDataFile[] })).toThrow(TypeError);
    expect(() => createSessionSync(signed, { externalData: [{ data: weights } as unknown as ExternalDataFile] })).toThrow(/externalData\[0\]/);
  });
});

describe('externalData through the onnxruntime-common adapter', () => {
  const loaded: string[] = [];
  beforeAll(() => {
    const backend = createOctetBackend({
      loadModel: async () => signed,
      // What runtime-node / runtime-web do with paths and URLs, here from memory.
      loadFile: async (p) => {
        loaded.push(p);
        if (p === 'mem://weights.bin') return weights;
        throw new ExternalDataLoadError(p, 'not found');
      },
    });
    ort.registerBackend('octet-ext', backend as unknown as ort.Backend, 100);
  });
  const ep = (extra: object) => [{ name: 'octet-ext', publicKey: exportPublicKeyPem(key), ...extra } as ort.InferenceSession.ExecutionProviderConfig];
  const ortFeeds = () => Object.fromEntries(Object.entries(feedsOf(fx)).map(([n, t]) => [n, new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims)]));

  it('verifies and runs bytes + { path, data } and bytes + a loaded URL', async () => {
    for (const externalData of [[{ path: 'weights.bin', data: weights }], [{ path: 'weights.bin', data: 'mem://weights.bin' }]]) {
      const s = await ort.InferenceSession.create(signed, { executionProviders: ep({}), externalData });
      const out = await s.run(ortFeeds());
      expect(Array.from(out[s.outputNames[0]].data as Float32Array)).toEqual(Array.from(expected(s.outputNames[0])));
      await s.release();
    }
    expect(loaded).toEqual(['mem://weights.bin']);
  });

  it('refuses tampered data and reports files that cannot be loaded', async () => {
    await expect(ort.InferenceSession.create(signed, { executionProviders: ep({}), externalData: [{ path: 'weights.bin', data: tamperedWeights }] })).rejects.toThrow(
      /model signature check failed \(tampered\)/,
    );
    await expect(ort.InferenceSession.create(signed, { executionProviders: ep({}), externalData: [{ path: 'weights.bin', data: 'mem://nothing' }] })).rejects.toThrow(
      /cannot load externalData file 'mem:\/\/nothing'/,
    );
  });
});

function expected(name: string): Float32Array {
  return createSessionSync(fx.model).runSync(feedsOf(fx))[name].data as Float32Array;
}
