// The Ed25519 primitive: WebCrypto (`crypto.subtle`, Node ≥ 20 and current browsers) when it
// supports Ed25519, @noble/ed25519 otherwise and for the synchronous calls. Ed25519 is
// deterministic (RFC 8032), so both give byte-identical signatures (tested).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.js';

let nobleReady = false;
/** @noble/ed25519's synchronous API needs a SHA-512; set on first use (no import-time effect). */
function noble(): typeof ed {
  if (!nobleReady) {
    ed.hashes.sha512 = sha512;
    nobleReady = true;
  }
  return ed;
}

// PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410): SEQUENCE { 0, AlgId { 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }.
export const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
// SubjectPublicKeyInfo prefix: SEQUENCE { AlgId { 1.3.101.112 }, BIT STRING (0 unused bits) key }.
export const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

type Subtle = SubtleCrypto;
let subtleEd25519: Promise<Subtle | undefined> | undefined;

/** WebCrypto's subtle if it can do Ed25519 here (checked once), else undefined. */
export function webCryptoEd25519(): Promise<Subtle | undefined> {
  subtleEd25519 ??= (async () => {
    const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
    if (!subtle) return undefined;
    try {
      const probe = noble().getPublicKey(new Uint8Array(32));
      await subtle.importKey('raw', probe as BufferSource, { name: 'Ed25519' }, false, ['verify']);
      return subtle;
    } catch {
      return undefined;
    }
  })();
  return subtleEd25519;
}

/** Forces the @noble/ed25519 path in async calls too (tests compare the two paths). */
export function useWebCrypto(enabled: boolean): void {
  subtleEd25519 = enabled ? undefined : Promise.resolve(undefined);
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return noble().getPublicKey(seed);
}

export function randomSeed(): Uint8Array {
  const seed = new Uint8Array(32);
  (globalThis as { crypto: Crypto }).crypto.getRandomValues(seed);
  return seed;
}

export async function signAsync(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  const subtle = await webCryptoEd25519();
  if (!subtle) return noble().sign(message, seed);
  const key = await subtle.importKey('pkcs8', concatBytes(PKCS8_PREFIX, seed) as BufferSource, { name: 'Ed25519' }, false, ['sign']);
  return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, message as BufferSource));
}

export async function verifyAsync(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false;
  const subtle = await webCryptoEd25519();
  if (!subtle) return verifySync(signature, message, publicKey);
  let key: CryptoKey;
  try {
    key = await subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return false; // not a point on the curve
  }
  return subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource);
}

export function signSync(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return noble().sign(message, seed);
}

export function verifySync(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    // zip215: false = RFC 8032 / FIPS 186-5 strict rules, the ones WebCrypto applies.
    return noble().verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
