// @octet/signature: Ed25519 signatures over a canonical encoding of an ONNX model.
export { sign, signSync, verify, verifySync, assertSigned, assertSignedSync, type SignOptions, type SignResult, type VerifyOptions, type VerifyResult } from './sign-impl.js';
export {
  generateKeyPair,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKeyPem,
  importPublicKeyPem,
  privateKeyFromSeed,
  publicKeyFromBytes,
  toPrivateKey,
  toPublicKey,
  keyId,
  type KeyPair,
  type PrivateKey,
  type PublicKey,
  type PrivateKeyInput,
  type PublicKeyInput,
} from './keys.js';
export { SIGNATURE_KEY, SIGNATURE_DOMAIN, canonicalize, canonicalizeAsync, type CanonicalModel, type CanonicalOptions, type ModelInput } from './canonical.js';
export { formatRecord, parseRecord, type SignatureRecord } from './record.js';
export { SignatureError, type SignatureFailure } from './errors.js';
export { useWebCrypto } from './ed25519.js';
export { useNativeDigest } from './digest.js';
