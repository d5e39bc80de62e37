// Typed errors: every failure names why, so a caller (runtime, CLI) can say it in one line.

/** Why a signature check or a key failed. */
export type SignatureFailure =
  /** The model carries no signature (and none was given detached). */
  | 'unsigned'
  /** The signature does not match the model: the model, its external data or the signature changed. */
  | 'tampered'
  /** Signed, but by another key (key id differs) and the signature does not hold for this one. */
  | 'wrong-key'
  /** The signature record is not a valid record (bad JSON, bad base64, two signatures). */
  | 'malformed-signature'
  /** The model bytes do not decode, or its external data cannot be read. */
  | 'invalid-model'
  /** A key is not an Ed25519 PEM / raw key. */
  | 'bad-key';

export class SignatureError extends Error {
  override name = 'SignatureError';
  constructor(readonly reason: SignatureFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
