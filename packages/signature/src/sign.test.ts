import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModelProto, encodeModelProto, parseModel } from '@octet/onnx';
import { externalDataFromDir, loadModel, saveModel } from '@octet/onnx/node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SIGNATURE_KEY,
  SignatureError,
  canonicalize,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  importPublicKeyPem,
  privateKeyFromSeed,
  sign,
  signSync,
  useNativeDigest,
  useWebCrypto,
  verify,
  verifySync,
} from './index.js';

const FIXTURE = new URL('../../../test-data/fixtures/mlp_diabetes/model.onnx', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(FIXTURE));
const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + n) & 255);
const alice = privateKeyFromSeed(seed(1));
const bob = privateKeyFromSeed(seed(2));
const tmp = mkdtempSync(join(tmpdir(), 'octet-sig-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Flip one bit of the first initializer's payload, found by decoding (not by guessing offsets). */
function tamperWeights(bytes: Uint8Array): Uint8Array {
  const p = decodeModelProto(bytes.slice());
  const t = p.graph!.initializer.find((i) => i.rawData.length > 0)!;
  const raw = t.rawData.slice();
  raw[0] ^= 1;
  t.rawData = raw;
  return encodeModelProto(p);
}

describe('sign / verify (embedded)', () => {
  it('a signed model verifies, with the record in metadata_props and the rest unchanged', async () => {
    const r = await sign(modelBytes, alice);
    expect(await verify(r.model, alice.publicKey)).toEqual({ valid: true, keyId: alice.publicKey.keyId, detached: false });
    const p = decodeModelProto(r.model);
    const entries = p.metadataProps.filter((e) => e.key === SIGNATURE_KEY);
    expect(entries.map((e) => e.value)).toEqual([r.signature]);
    expect(JSON.parse(r.signature)).toMatchObject({ v: 1, alg: 'Ed25519', keyId: alice.publicKey.keyId });
    // Removing the entry gives back the original bytes (the fixture is canonically encoded).
    p.metadataProps = p.metadataProps.filter((e) => e.key !== SIGNATURE_KEY);
    expect(encodeModelProto(p)).toEqual(modelBytes);
  });

  it('sync and async, WebCrypto and @noble/ed25519, native and @noble SHA-512 give the same bytes', async () => {
    const a = await sign(modelBytes, alice);
    useWebCrypto(false);
    useNativeDigest(false); // @noble/hashes SHA-512 instead of node:crypto
    try {
      const b = await sign(modelBytes, alice);
      expect(b.model).toEqual(a.model);
      expect(await verify(a.model, alice.publicKey)).toMatchObject({ valid: true });
      expect(signSync(modelBytes, alice).model).toEqual(a.model);
    } finally {
      useWebCrypto(true);
      useNativeDigest(true);
    }
    expect(signSync(modelBytes, alice).model).toEqual(a.model);
    expect(verifySync(a.model, alice.publicKey)).toMatchObject({ valid: true });
  });

  it('signature equals Node crypto Ed25519 over the documented message (independent reference)', async () => {
    const r = await sign(modelBytes, alice);
    const { message } = canonicalize(modelBytes);
    expect(new TextDecoder().decode(message.subarray(0, 19))).toBe('octet.signature.v1\n');
    expect(message.length).toBe(19 + 64);
    const nodeKey = createPrivateKey(exportPrivateKeyPem(alice));
    const expected = nodeSign(null, message, nodeKey);
    expect(Buffer.from(JSON.parse(r.signature).sig, 'base64')).toEqual(expected);
    expect(nodeVerify(null, message, createPublicKey(exportPublicKeyPem(alice)), expected)).toBe(true);
  });

  it('re-signing replaces the old signature; signing a Model (IR) equals signing its bytes', async () => {
    const once = await sign(modelBytes, alice);
    const twice = await sign(once.model, bob);
    expect(decodeModelProto(twice.model).metadataProps.filter((e) => e.key === SIGNATURE_KEY)).toHaveLength(1);
    expect(await verify(twice.model, bob.publicKey)).toMatchObject({ valid: true });
    expect((await sign(parseModel(modelBytes), alice)).model).toEqual(once.model);
  });

  it('refuses tampered weights, metadata, graph and signature', async () => {
    const { model } = await sign(modelBytes, alice);
    const weights = await verify(tamperWeights(model), alice.publicKey);
    expect(weights).toMatchObject({ valid: false, reason: 'tampered' });

    const p = decodeModelProto(model);
    p.producerName = 'mallory';
    expect(await verify(encodeModelProto(p), alice.publicKey)).toMatchObject({ valid: false, reason: 'tampered' });

    const g = decodeModelProto(model);
    g.graph!.node[0].opType = 'Identity';
    expect(await verify(encodeModelProto(g), alice.publicKey)).toMatchObject({ valid: false, reason: 'tampered' });

    const s = decodeModelProto(model);
    const e = s.metadataProps.find((x) => x.key === SIGNATURE_KEY)!;
    const rec = JSON.parse(e.value);
    const sig = Buffer.from(rec.sig, 'base64');
    sig[10] ^= 0x40;
    e.value = JSON.stringify({ ...rec, sig: sig.toString('base64') });
    expect(await verify(encodeModelProto(s), alice.publicKey)).toMatchObject({ valid: false, reason: 'tampered' });
    expect(verifySync(encodeModelProto(s), alice.publicKey)).toMatchObject({ valid: false, reason: 'tampered' });
  });

  it('names the failure: unsigned, wrong key, malformed record, duplicate entries, undecodable bytes', async () => {
    expect(await verify(modelBytes, alice.publicKey)).toMatchObject({ valid: false, reason: 'unsigned' });
    const { model } = await sign(modelBytes, alice);
    const wrong = await verify(model, bob.publicKey);
    expect(wrong).toMatchObject({ valid: false, reason: 'wrong-key' });
    expect(!wrong.valid && wrong.message).toContain(alice.publicKey.keyId);

    const dup = decodeModelProto(model);
    dup.metadataProps.push({ ...dup.metadataProps.find((e) => e.key === SIGNATURE_KEY)! });
    expect(await verify(encodeModelProto(dup), alice.publicKey)).toMatchObject({ valid: false, reason: 'malformed-signature' });

    for (const bad of ['not json', '{"v":2,"alg":"Ed25519","keyId":"x","sig":""}', '{"v":1,"alg":"Ed25519","keyId":"x","sig":"AAAA"}', '[]']) {
      expect(await verify(modelBytes, alice.publicKey, { signature: bad })).toMatchObject({ valid: false, reason: 'malformed-signature' });
    }
    expect(await verify(model.subarray(0, model.length - 7), alice.publicKey)).toMatchObject({ valid: false, reason: 'invalid-model' });
  });
});

describe('detached signatures', () => {
  it('a .sig verifies the unsigned model; a different model or key fails', async () => {
    const r = await sign(modelBytes, alice);
    expect(await verify(modelBytes, alice.publicKey, { signature: r.signature })).toEqual({ valid: true, keyId: alice.publicKey.keyId, detached: true });
    expect(await verify(modelBytes, alice.publicKey, { signature: new TextEncoder().encode(r.signature + '\n') })).toMatchObject({ valid: true });
    expect(await verify(tamperWeights(modelBytes), alice.publicKey, { signature: r.signature })).toMatchObject({ valid: false, reason: 'tampered' });
    expect(await verify(modelBytes, bob.publicKey, { signature: r.signature })).toMatchObject({ valid: false, reason: 'wrong-key' });
  });
});

describe('external data is covered', () => {
  it('signing reads external tensors; changing one byte of the data file is detected', async () => {
    const dir = mkdtempSync(join(tmp, 'ext-'));
    const path = join(dir, 'model.onnx');
    saveModel(loadModel(FIXTURE.pathname), path, { externalData: { threshold: 64 } });
    const bytes = new Uint8Array(readFileSync(path));
    expect(decodeModelProto(bytes).graph!.initializer.some((t) => t.dataLocation === 1)).toBe(true);
    const reader = externalDataFromDir(dir);

    expect(await verify(bytes, alice.publicKey, { externalData: reader })).toMatchObject({ reason: 'unsigned' });
    const r = await sign(bytes, alice, { externalData: reader });
    expect(await verify(r.model, alice.publicKey, { externalData: reader })).toMatchObject({ valid: true });
    // A Model loaded from disk carries its own reader.
    writeFileSync(path, r.model);
    expect(await verify(loadModel(path), alice.publicKey)).toMatchObject({ valid: true });

    expect(await verify(r.model, alice.publicKey)).toMatchObject({ valid: false, reason: 'invalid-model' });
    const data = readFileSync(join(dir, 'model.onnx.data'));
    data[data.length - 1] ^= 1;
    writeFileSync(join(dir, 'model.onnx.data'), data);
    expect(await verify(r.model, alice.publicKey, { externalData: reader })).toMatchObject({ valid: false, reason: 'tampered' });
    rmSync(join(dir, 'model.onnx.data'));
    expect(await verify(r.model, alice.publicKey, { externalData: reader })).toMatchObject({ valid: false, reason: 'invalid-model' });
  });
});

describe('keys', () => {
  it('PEM round trip and interop with Node crypto (PKCS#8 / SPKI)', () => {
    const k = generateKeyPair();
    expect(importPrivateKeyPem(exportPrivateKeyPem(k.privateKey)).seed).toEqual(k.privateKey.seed);
    expect(importPublicKeyPem(exportPublicKeyPem(k.publicKey)).bytes).toEqual(k.publicKey.bytes);

    const n = generateKeyPairSync('ed25519');
    const priv = importPrivateKeyPem(n.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const pub = importPublicKeyPem(n.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    expect(priv.publicKey.bytes).toEqual(pub.bytes);
    expect(exportPublicKeyPem(priv)).toBe(n.publicKey.export({ format: 'pem', type: 'spki' }));
    expect(generateKeyPair().privateKey.seed).not.toEqual(k.privateKey.seed);
  });

  it('RFC 8032 test vector 1', () => {
    const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
    const key = privateKeyFromSeed(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'));
    expect(Buffer.from(key.publicKey.bytes).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = nodeSign(null, new Uint8Array(0), createPrivateKey(exportPrivateKeyPem(key)));
    expect(sig.toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('bad keys are typed errors', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => importPrivateKeyPem(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string)).toThrow(SignatureError);
    expect(() => importPublicKeyPem(rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string)).toThrow(/not an Ed25519/);
    expect(() => importPublicKeyPem('hello')).toThrow(/not a PEM PUBLIC KEY/);
    expect(() => privateKeyFromSeed(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
