// Signed models: with `publicKey` set, a session is only created for a model whose Ed25519
// signature (embedded or detached, see @octet/signature) holds for that key. Checked on the
// bytes before anything is compiled.
import { verifySync, type PublicKeyInput, type SignatureFailure } from '@octet/signature';
import { OctetRuntimeError } from './errors.js';
import type { RuntimeGraph } from './graph.js';

export interface SignatureCheckOptions {
  /** Require a valid Ed25519 signature by this key (SPKI PEM text, 32 raw bytes or a PublicKey). */
  publicKey?: PublicKeyInput;
  /** A detached signature (`.sig` file contents) to check instead of the one in the model. */
  signature?: string | Uint8Array;
}

/** The model is unsigned, signed by another key, or changed since it was signed. */
export class ModelSignatureError extends OctetRuntimeError {
  override name = 'ModelSignatureError';
  constructor(readonly reason: SignatureFailure | 'not-bytes', message: string) {
    super(`model signature check failed (${reason}): ${message}`);
  }
}

export function checkModelSignature(model: Uint8Array | RuntimeGraph, options: SignatureCheckOptions): void {
  if (options.publicKey === undefined) return;
  if (!(model instanceof Uint8Array)) {
    throw new ModelSignatureError('not-bytes', 'a signature can only be checked on model bytes, not on a RuntimeGraph');
  }
  let r;
  try {
    r = verifySync(model, options.publicKey, { signature: options.signature });
  } catch (e) {
    throw new ModelSignatureError('bad-key', e instanceof Error ? e.message : String(e));
  }
  if (!r.valid) throw new ModelSignatureError(r.reason, r.message);
}

/** The signature options of the 'octet' entry in onnxruntime-common's `executionProviders`. */
export function signatureOptionsFromOrt(options: { readonly executionProviders?: readonly unknown[] } | undefined): SignatureCheckOptions {
  const ep = options?.executionProviders?.find(
    (e): e is { name: string; publicKey?: PublicKeyInput; signature?: string | Uint8Array } =>
      typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'octet',
  );
  return ep ? { publicKey: ep.publicKey, signature: ep.signature } : {};
}
