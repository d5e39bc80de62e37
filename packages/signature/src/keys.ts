// Ed25519 keys: generation, PEM (PKCS#8 private, SPKI public, RFC 8410) and raw 32-byte forms.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, fromBase64, toBase64, toHex } from './bytes.js';
import { PKCS8_PREFIX, SPKI_PREFIX, publicKeyFromSeed, randomSeed } from './ed25519.js';
import { SignatureError } from './errors.js';

export interface PublicKey {
  readonly kind: 'ed25519-public';
  /** The 32-byte public key (RFC 8032 encoding). */
  readonly bytes: Uint8Array;
  /** First 8 bytes of SHA-256 of `bytes`, hex: names the key in signature records and messages. */
  readonly keyId: string;
}

export interface PrivateKey {
  readonly kind: 'ed25519-private';
  /** The 32-byte seed (what RFC 8032 calls the private key). */
  readonly seed: Uint8Array;
  readonly publicKey: PublicKey;
}

export interface KeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
}

/** A private key: a `PrivateKey`, PKCS#8 PEM text, or the raw 32-byte seed. */
export type PrivateKeyInput = PrivateKey | string | Uint8Array;
/** A public key: a `PublicKey`, SPKI PEM text, or the raw 32 bytes. */
export type PublicKeyInput = PublicKey | string | Uint8Array;

export function keyId(publicKeyBytes: Uint8Array): string {
  return toHex(sha256(publicKeyBytes).subarray(0, 8));
}

export function publicKeyFromBytes(bytes: Uint8Array): PublicKey {
  if (bytes.length !== 32) throw new SignatureError('bad-key', `an Ed25519 public key has 32 bytes, got ${bytes.length}`);
  const copy = bytes.slice();
  return { kind: 'ed25519-public', bytes: copy, keyId: keyId(copy) };
}

export function privateKeyFromSeed(seed: Uint8Array): PrivateKey {
  if (seed.length !== 32) throw new SignatureError('bad-key', `an Ed25519 private key (seed) has 32 bytes, got ${seed.length}`);
  const copy = seed.slice();
  return { kind: 'ed25519-private', seed: copy, publicKey: publicKeyFromBytes(publicKeyFromSeed(copy)) };
}

/** A fresh key pair from the platform's CSPRNG (`crypto.getRandomValues`). */
export function generateKeyPair(): KeyPair {
  const privateKey = privateKeyFromSeed(randomSeed());
  return { privateKey, publicKey: privateKey.publicKey };
}

function pem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der).replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function unpem(text: string, label: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!m) throw new SignatureError('bad-key', `not a PEM ${label} (expected '-----BEGIN ${label}-----')`);
  const der = fromBase64(m[1]);
  if (!der) throw new SignatureError('bad-key', `PEM ${label} body is not base64`);
  return der;
}

export function exportPrivateKeyPem(key: PrivateKey): string {
  return pem('PRIVATE KEY', concatBytes(PKCS8_PREFIX, key.seed));
}

export function exportPublicKeyPem(key: PublicKey | PrivateKey): string {
  const pub = key.kind === 'ed25519-private' ? key.publicKey : key;
  return pem('PUBLIC KEY', concatBytes(SPKI_PREFIX, pub.bytes));
}

// PKCS#8 v2 (OneAsymmetricKey, RFC 8410 §10.3): version 1 and the public key as [1] after the seed.
const PKCS8_V2_PREFIX = Uint8Array.of(0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const PKCS8_V2_PUBLIC = Uint8Array.of(0x81, 0x21, 0x00);

export function importPrivateKeyPem(text: string): PrivateKey {
  const der = unpem(text, 'PRIVATE KEY');
  const at = (prefix: Uint8Array) => equalBytes(der.subarray(0, prefix.length), prefix);
  if (der.length === 48 && at(PKCS8_PREFIX)) return privateKeyFromSeed(der.subarray(16));
  if (der.length === 83 && at(PKCS8_V2_PREFIX) && equalBytes(der.subarray(48, 51), PKCS8_V2_PUBLIC)) {
    const key = privateKeyFromSeed(der.subarray(16, 48));
    if (!equalBytes(key.publicKey.bytes, der.subarray(51))) throw new SignatureError('bad-key', 'PKCS#8 key: the embedded public key does not belong to the private key');
    return key;
  }
  throw new SignatureError('bad-key', 'PEM PRIVATE KEY is not an Ed25519 PKCS#8 key');
}

export function importPublicKeyPem(text: string): PublicKey {
  const der = unpem(text, 'PUBLIC KEY');
  if (der.length !== 44 || !equalBytes(der.subarray(0, 12), SPKI_PREFIX)) throw new SignatureError('bad-key', 'PEM PUBLIC KEY is not an Ed25519 SubjectPublicKeyInfo');
  return publicKeyFromBytes(der.subarray(12));
}

export function toPrivateKey(k: PrivateKeyInput): PrivateKey {
  if (typeof k === 'string') return importPrivateKeyPem(k);
  if (k instanceof Uint8Array) return privateKeyFromSeed(k);
  if (k?.kind === 'ed25519-private') return k;
  throw new SignatureError('bad-key', 'expected an Ed25519 private key (PrivateKey, PKCS#8 PEM or 32-byte seed)');
}

export function toPublicKey(k: PublicKeyInput | PrivateKey): PublicKey {
  if (typeof k === 'string') {
    // A PEM file with a private key is accepted where a public key is wanted (its public half).
    return /-----BEGIN PRIVATE KEY-----/.test(k) ? importPrivateKeyPem(k).publicKey : importPublicKeyPem(k);
  }
  if (k instanceof Uint8Array) return publicKeyFromBytes(k);
  if (k?.kind === 'ed25519-public') return k;
  if (k?.kind === 'ed25519-private') return k.publicKey;
  throw new SignatureError('bad-key', 'expected an Ed25519 public key (PublicKey, SPKI PEM or 32 bytes)');
}
