// Signed models: with `publicKey` set, a session is only created for a model whose Ed25519
// signature (embedded or detached, see @octet/signature) holds for that key. Checked on the
// bytes (and external data payloads) before anything is compiled.
//
// @octet/signature (with @noble's Ed25519 and SHA-512, ~25 KB) is loaded only when a session asks
// for verification: `createSession` imports it dynamically, so a bundler with code splitting puts
// it in a chunk of its own that pages without a `publicKey` never fetch. `createSessionSync`
// cannot wait for an import and keeps a static one (session-sync.ts).
import type { ExternalDataReader } from '@octet/onnx';
import type { PublicKeyInput, SignatureFailure } from '@octet/signature';
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

/** @octet/signature's `verifySync`. */
export type VerifySync = typeof import('@octet/signature').verifySync;

let loading: Promise<VerifySync> | undefined;

/** Imports @octet/signature once (a separate chunk in split bundles). */
export function loadSignatureVerifier(): Promise<VerifySync> {
  if (!loading) {
    loading = import('@octet/signature').then((m) => m.verifySync);
    loading.catch(() => (loading = undefined)); // a failed chunk fetch may be retried
  }
  return loading;
}

/**
 * `externalData`: where the model's external tensors are read from — they are signed too.
 * `verifySync`: the loaded verifier (see loadSignatureVerifier); needed only with `publicKey`.
 */
export function checkModelSignature(model: Uint8Array | RuntimeGraph, options: SignatureCheckOptions & { externalData?: ExternalDataReader }, verifySync: VerifySync | undefined): void {
  if (options.publicKey === undefined) return;
  if (!verifySync) throw new Error('internal: signature verifier not loaded'); // callers load it whenever publicKey is set
  if (!(model instanceof Uint8Array)) {
    throw new ModelSignatureError('not-bytes', 'a signature can only be checked on model bytes, not on a RuntimeGraph');
  }
  let r;
  try {
    r = verifySync(model, options.publicKey, { signature: options.signature, externalData: options.externalData });
  } catch (e) {
    throw new ModelSignatureError('bad-key', e instanceof Error ? e.message : String(e));
  }
  if (!r.valid) throw new ModelSignatureError(r.reason, r.message);
}

/**
 * The signature options of this backend's entry in onnxruntime-common's `executionProviders`
 * (`names`: every name it was registered and initialised under — a key given to a renamed
 * backend must not be silently ignored).
 */
export function signatureOptionsFromOrt(options: { readonly executionProviders?: readonly unknown[] } | undefined, names: ReadonlySet<string> = new Set(['octet'])): SignatureCheckOptions {
  const ep = options?.executionProviders?.find(
    (e): e is { name: string; publicKey?: PublicKeyInput; signature?: string | Uint8Array } =>
      typeof e === 'object' && e !== null && names.has((e as { name?: unknown }).name as string),
  );
  return ep ? { publicKey: ep.publicKey, signature: ep.signature } : {};
}
