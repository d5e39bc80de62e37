// The signature record: what is stored in metadata_props[SIGNATURE_KEY] and in a detached .sig
// file (the same text). JSON, so a person can read which key signed the model.
import { fromBase64, toBase64 } from './bytes.js';
import { SignatureError } from './errors.js';

export interface SignatureRecord {
  /** Format version of the canonical encoding (1). */
  v: 1;
  alg: 'Ed25519';
  /** Key id of the signing key (see `keyId`): a hint for messages, not trusted. */
  keyId: string;
  /** The 64-byte Ed25519 signature. */
  signature: Uint8Array;
}

export function formatRecord(r: SignatureRecord): string {
  return JSON.stringify({ v: r.v, alg: r.alg, keyId: r.keyId, sig: toBase64(r.signature) });
}

export function parseRecord(text: string): SignatureRecord {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new SignatureError('malformed-signature', 'signature record is not JSON');
  }
  const o = j as { v?: unknown; alg?: unknown; keyId?: unknown; sig?: unknown };
  if (typeof j !== 'object' || j === null) throw new SignatureError('malformed-signature', 'signature record is not a JSON object');
  if (o.v !== 1) throw new SignatureError('malformed-signature', `signature record version ${JSON.stringify(o.v)} is not supported (expected 1)`);
  if (o.alg !== 'Ed25519') throw new SignatureError('malformed-signature', `signature algorithm ${JSON.stringify(o.alg)} is not supported (expected "Ed25519")`);
  if (typeof o.keyId !== 'string') throw new SignatureError('malformed-signature', 'signature record has no keyId');
  const sig = typeof o.sig === 'string' ? fromBase64(o.sig) : undefined;
  if (!sig || sig.length !== 64) throw new SignatureError('malformed-signature', 'signature record: sig is not 64 bytes of base64');
  return { v: 1, alg: 'Ed25519', keyId: o.keyId, signature: sig };
}
