// The onnxruntime-common adapter takes the signature options from the 'octet' execution
// provider entry: `{ name: 'octet', publicKey, signature? }`.
import * as ort from 'onnxruntime-common';
import { exportPublicKeyPem, privateKeyFromSeed, signSync } from '@octet/signature';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOctetBackend } from '../src/index.js';
import { loadFixture } from './fixtures.js';

const fx = loadFixture('mlp_diabetes');
const key = privateKeyFromSeed(new Uint8Array(32).fill(9));

describe('onnxruntime-common adapter with publicKey', () => {
  beforeAll(() => {
    ort.registerBackend('octet', createOctetBackend({ loadModel: async () => fx.model }) as unknown as ort.Backend, 100);
  });

  it('creates a session for a signed model and refuses an unsigned one', async () => {
    const pub = exportPublicKeyPem(key);
    const signed = signSync(fx.model, key).model;
    const ok = await ort.InferenceSession.create(signed, { executionProviders: [{ name: 'octet', publicKey: pub } as ort.InferenceSession.ExecutionProviderConfig] });
    expect(ok.inputNames).toEqual(['x']);
    await ok.release();
    await expect(
      ort.InferenceSession.create(fx.model, { executionProviders: [{ name: 'octet', publicKey: pub } as ort.InferenceSession.ExecutionProviderConfig] }),
    ).rejects.toThrow(/model signature check failed \(unsigned\)/);
    // Detached signature through the same entry.
    const detached = await ort.InferenceSession.create(fx.model, {
      executionProviders: [{ name: 'octet', publicKey: pub, signature: signSync(fx.model, key).signature } as ort.InferenceSession.ExecutionProviderConfig],
    });
    await detached.release();
  });
});
