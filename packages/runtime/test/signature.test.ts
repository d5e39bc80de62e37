// createSession({ publicKey }) refuses unsigned, tampered and wrongly signed models before
// compiling them, and runs signed ones exactly like the unsigned original.
import { decodeModelProto, encodeModelProto } from '@octet/onnx';
import { exportPublicKeyPem, privateKeyFromSeed, sign, signSync } from '@octet/signature';
import { describe, expect, it } from 'vitest';
import { ModelSignatureError, createSession, createSessionSync, graphFromModel } from '../src/index.js';
import { feedsOf, loadFixture } from './fixtures.js';

const fx = loadFixture('mlp_diabetes');
const key = privateKeyFromSeed(new Uint8Array(32).fill(7));
const other = privateKeyFromSeed(new Uint8Array(32).fill(8));

async function refused(p: Promise<unknown> | (() => unknown)): Promise<ModelSignatureError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelSignatureError);
    return e as ModelSignatureError;
  }
  throw new Error('session was created');
}

describe('createSession with publicKey', () => {
  it('runs a signed model like the unsigned one (PEM key, raw key, detached .sig)', async () => {
    const plain = await createSession(fx.model);
    const expected = await plain.run(feedsOf(fx));
    const signed = await sign(fx.model, key);
    for (const opts of [{ publicKey: exportPublicKeyPem(key) }, { publicKey: key.publicKey.bytes }]) {
      const s = await createSession(signed.model, opts);
      expect(await s.run(feedsOf(fx))).toEqual(expected);
      s.dispose();
    }
    const detached = createSessionSync(fx.model, { publicKey: key.publicKey, signature: signed.signature });
    expect(detached.runSync(feedsOf(fx))).toEqual(expected);
  });

  it('refuses unsigned, tampered and other-key models with a typed error naming why', async () => {
    expect((await refused(createSession(fx.model, { publicKey: key.publicKey }))).reason).toBe('unsigned');

    const signed = signSync(fx.model, key).model;
    const p = decodeModelProto(signed);
    const w = p.graph!.initializer.find((t) => t.rawData.length > 0)!;
    w.rawData = w.rawData.map((v, i) => (i === 3 ? v ^ 0x80 : v));
    const e = await refused(createSession(encodeModelProto(p), { publicKey: key.publicKey }));
    expect(e.reason).toBe('tampered');
    expect(e.message).toMatch(/model signature check failed \(tampered\)/);

    expect((await refused(createSession(signed, { publicKey: other.publicKey }))).reason).toBe('wrong-key');
    expect((await refused(() => createSessionSync(signed.subarray(0, 100), { publicKey: key.publicKey }))).reason).toBe('invalid-model');
    expect((await refused(createSession(graphFromModel(decodeModelProto(signed)), { publicKey: key.publicKey }))).reason).toBe('not-bytes');
    expect((await refused(createSession(signed, { publicKey: 'not a key' }))).reason).toBe('bad-key');
  });

  it('without publicKey nothing is checked (unsigned models keep working)', async () => {
    const s = await createSession(fx.model);
    expect(s.outputNames.length).toBeGreaterThan(0);
  });
});
