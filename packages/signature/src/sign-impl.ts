// sign / verify: the canonical digest (canonical.ts) signed with Ed25519 (ed25519.ts), stored as
// a record (record.ts) in metadata_props or returned for a detached .sig file.
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, encodeModelProto } from '@octet/onnx';
import { SIGNATURE_KEY, canonicalize, canonicalizeAsync, withoutSignature, type CanonicalModel, type CanonicalOptions, type ModelInput } from './canonical.js';
import * as ed25519 from './ed25519.js';
import { SignatureError, type SignatureFailure } from './errors.js';
import { toPrivateKey, toPublicKey, type PrivateKey, type PrivateKeyInput, type PublicKey, type PublicKeyInput } from './keys.js';
import { formatRecord, parseRecord, type SignatureRecord } from './record.js';

export type SignOptions = CanonicalOptions;

export interface SignResult {
  /** The model with the signature in metadata_props[SIGNATURE_KEY] (an older signature is replaced). */
  model: Uint8Array;
  /** The signature record: the metadata value, and the contents of a detached `.sig` file. */
  signature: string;
  keyId: string;
}

export interface VerifyOptions extends CanonicalOptions {
  /** A detached signature (`.sig` contents) to check instead of the embedded one. */
  signature?: string | Uint8Array;
}

export type VerifyResult =
  | { valid: true; keyId: string; detached: boolean }
  | { valid: false; reason: SignatureFailure; message: string };

function finishSign(c: CanonicalModel, key: PrivateKey, sig: Uint8Array): SignResult {
  const signature = formatRecord({ v: 1, alg: 'Ed25519', keyId: key.publicKey.keyId, signature: sig });
  const signed = withoutSignature(c.proto);
  signed.metadataProps = [...signed.metadataProps, create(StringStringEntryProtoSchema, { key: SIGNATURE_KEY, value: signature })];
  return { model: encodeModelProto(signed), signature, keyId: key.publicKey.keyId };
}

/** Signs a model (WebCrypto Ed25519 where available, else @noble/ed25519). */
export async function sign(model: ModelInput, privateKey: PrivateKeyInput, opts: SignOptions = {}): Promise<SignResult> {
  const key = toPrivateKey(privateKey);
  const c = await canonicalizeAsync(model, opts);
  return finishSign(c, key, await ed25519.signAsync(c.message, key.seed));
}

/** `sign`, synchronously (@noble/ed25519); same bytes. */
export function signSync(model: ModelInput, privateKey: PrivateKeyInput, opts: SignOptions = {}): SignResult {
  const key = toPrivateKey(privateKey);
  const c = canonicalize(model, opts);
  return finishSign(c, key, ed25519.signSync(c.message, key.seed));
}

interface Pending {
  record: SignatureRecord;
  message: Uint8Array;
  key: PublicKey;
  detached: boolean;
}

type Prepared = { done: VerifyResult } | { pending: Pending };

const fail = (reason: SignatureFailure, message: string): { done: VerifyResult } => ({ done: { valid: false, reason, message } });

function prepare(c: CanonicalModel | SignatureError, key: PublicKey, opts: VerifyOptions): Prepared {
  if (c instanceof SignatureError) return fail(c.reason, c.message);
  const detached = opts.signature !== undefined;
  let text: string;
  if (detached) {
    text = typeof opts.signature === 'string' ? opts.signature : new TextDecoder().decode(opts.signature);
  } else {
    if (c.signatures.length === 0) return fail('unsigned', `model is not signed (no '${SIGNATURE_KEY}' metadata entry)`);
    if (c.signatures.length > 1) return fail('malformed-signature', `model carries ${c.signatures.length} '${SIGNATURE_KEY}' entries; exactly one is allowed`);
    text = c.signatures[0];
  }
  let record: SignatureRecord;
  try {
    record = parseRecord(text.trim());
  } catch (e) {
    if (e instanceof SignatureError) return fail(e.reason, e.message);
    throw e;
  }
  return { pending: { record, message: c.message, key, detached } };
}

/** A SignatureError is a verdict (returned); anything else is a defect (rethrown). */
function signatureErrorOr(e: unknown): SignatureError {
  if (e instanceof SignatureError) return e;
  throw e;
}

function conclude(p: Pending, ok: boolean): VerifyResult {
  if (ok) return { valid: true, keyId: p.key.keyId, detached: p.detached };
  if (p.record.keyId !== p.key.keyId) {
    return { valid: false, reason: 'wrong-key', message: `model was signed by key ${p.record.keyId}, not by the given key ${p.key.keyId}` };
  }
  return {
    valid: false,
    reason: 'tampered',
    message: `signature by key ${p.key.keyId} does not match the model: the model, its external data or the signature was changed`,
  };
}

/**
 * Checks a model's signature against `publicKey`. Resolves to `{ valid: false, reason }` for an
 * unsigned, tampered, wrongly signed or undecodable model; throws `SignatureError('bad-key')` only
 * when the key itself is unusable.
 */
export async function verify(model: ModelInput, publicKey: PublicKeyInput, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const key = toPublicKey(publicKey);
  const p = prepare(await canonicalizeAsync(model, opts).catch(signatureErrorOr), key, opts);
  if ('done' in p) return p.done;
  const { record, message } = p.pending;
  return conclude(p.pending, await ed25519.verifyAsync(record.signature, message, key.bytes));
}

/** `verify`, synchronously (@noble/ed25519). */
export function verifySync(model: ModelInput, publicKey: PublicKeyInput, opts: VerifyOptions = {}): VerifyResult {
  const key = toPublicKey(publicKey);
  let c: CanonicalModel | SignatureError;
  try {
    c = canonicalize(model, opts);
  } catch (e) {
    c = signatureErrorOr(e);
  }
  const p = prepare(c, key, opts);
  if ('done' in p) return p.done;
  const { record, message } = p.pending;
  return conclude(p.pending, ed25519.verifySync(record.signature, message, key.bytes));
}

/** Throws `SignatureError` (with `.reason`) unless the model is validly signed by `publicKey`. */
export function assertSignedSync(model: ModelInput, publicKey: PublicKeyInput, opts: VerifyOptions = {}): void {
  const r = verifySync(model, publicKey, opts);
  if (!r.valid) throw new SignatureError(r.reason, r.message);
}

export async function assertSigned(model: ModelInput, publicKey: PublicKeyInput, opts: VerifyOptions = {}): Promise<void> {
  const r = await verify(model, publicKey, opts);
  if (!r.valid) throw new SignatureError(r.reason, r.message);
}
