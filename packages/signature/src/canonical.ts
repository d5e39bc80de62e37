// The canonical encoding a signature covers (format version 1). See README "Canonical encoding".
//
//   digest  = SHA-512( "octet.signature.v1\n"
//                      || u64le(len(M)) || M
//                      || u64le(N) || for each external tensor i: u64le(len(D_i)) || D_i )
//   message = "octet.signature.v1\n" || digest          (what Ed25519 signs: 83 bytes)
//
// M: the ModelProto re-encoded by @octet/onnx's canonical encoder (field-number order, unknown
// fields last) after removing every metadata_props entry whose key is SIGNATURE_KEY.
// D_i: the payload bytes of the i-th tensor with data_location = EXTERNAL, in the order
// @octet/onnx's tensor walk visits them (per graph: initializers, then node attributes, subgraphs
// depth-first). Where each payload comes from (location/offset/length) is part of M.
// Hashing first and signing the digest lets external data stream through (models > 2 GB) and
// keeps Ed25519's two passes over the message to 83 bytes.
import {
  Model,
  OnnxError,
  decodeModelProto,
  encodeModelProto,
  forEachModelTensor,
  type ExternalDataReader,
  type ModelProto,
  type TensorProto,
} from '@octet/onnx';
import { concatBytes, u64le } from './bytes.js';
import { createSha512, sha512Of } from './digest.js';
import { SignatureError } from './errors.js';

/** The metadata_props key an embedded signature is stored under. */
export const SIGNATURE_KEY = 'octet.signature.ed25519';
export const SIGNATURE_DOMAIN = 'octet.signature.v1\n';

const DOMAIN_BYTES = new TextEncoder().encode(SIGNATURE_DOMAIN);
const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

/** What can be signed: model bytes, a decoded ModelProto, or an @octet/onnx Model (IR). */
export type ModelInput = Uint8Array | ModelProto | Model;

export interface CanonicalOptions {
  /** Reads external tensor payloads (Node: `externalDataFromDir(folder)`; browser: `externalDataFromMap`). Defaults to a Model's own reader. */
  externalData?: ExternalDataReader;
  /** Name used in error messages. */
  file?: string;
}

export interface CanonicalModel {
  /** The decoded model, signature entries included (shared with the caller's input where possible). */
  proto: ModelProto;
  /** Values of the SIGNATURE_KEY entries, in order. */
  signatures: string[];
  /** SHA-512 of the canonical encoding. */
  digest: Uint8Array;
  /** The bytes Ed25519 signs: SIGNATURE_DOMAIN || digest. */
  message: Uint8Array;
}

export function toModelProto(model: ModelInput, file?: string): ModelProto {
  if (model instanceof Uint8Array) {
    try {
      return decodeModelProto(model, { file });
    } catch (e) {
      throw new SignatureError('invalid-model', `cannot decode model: ${(e as Error).message}`, { cause: e });
    }
  }
  if (model instanceof Model) return model.toProto();
  if ((model as { $typeName?: string })?.$typeName === 'onnx.ModelProto') return model;
  throw new SignatureError('invalid-model', 'expected model bytes, a ModelProto or a Model');
}

/** A copy of `proto` without signature entries (the caller's message is not touched). */
export function withoutSignature(proto: ModelProto): ModelProto {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(proto)) as ModelProto, proto);
  copy.metadataProps = proto.metadataProps.filter((e) => e.key !== SIGNATURE_KEY);
  return copy;
}

/**
 * Emits the canonical byte stream (see the header) piece by piece to `sink`; returns the decoded
 * model and its signature records.
 */
function canonicalStream(model: ModelInput, opts: CanonicalOptions, sink: (bytes: Uint8Array) => void): { proto: ModelProto; signatures: string[] } {
  const proto = toModelProto(model, opts.file);
  const reader = opts.externalData ?? (model instanceof Model ? model.externalData : undefined);
  const signatures = proto.metadataProps.filter((e) => e.key === SIGNATURE_KEY).map((e) => e.value);
  const encoded = encodeModelProto(withoutSignature(proto));

  const external: TensorProto[] = [];
  forEachModelTensor(proto, (t) => {
    if (t.dataLocation === EXTERNAL) external.push(t);
  });
  sink(DOMAIN_BYTES);
  sink(u64le(encoded.length));
  sink(encoded);
  sink(u64le(external.length));
  for (const t of external) {
    if (!reader) {
      throw new SignatureError('invalid-model', `tensor '${t.name}' is in external data, but no external data reader was given (externalData option)`);
    }
    let bytes: Uint8Array;
    try {
      bytes = reader.read(t);
    } catch (e) {
      const why = e instanceof OnnxError || e instanceof Error ? e.message : String(e);
      throw new SignatureError('invalid-model', `cannot read external data of tensor '${t.name}': ${why}`, { cause: e });
    }
    sink(u64le(bytes.length));
    sink(bytes);
  }
  return { proto, signatures };
}

/** The canonical digest and signed message, synchronously (payloads are hashed as they are read). */
export function canonicalize(model: ModelInput, opts: CanonicalOptions = {}): CanonicalModel {
  const h = createSha512();
  const { proto, signatures } = canonicalStream(model, opts, (b) => h.update(b));
  const digest = h.digest();
  return { proto, signatures, digest, message: concatBytes(DOMAIN_BYTES, digest) };
}

/** `canonicalize`, free to use WebCrypto's digest (browsers); same result. */
export async function canonicalizeAsync(model: ModelInput, opts: CanonicalOptions = {}): Promise<CanonicalModel> {
  const parts: Uint8Array[] = [];
  const { proto, signatures } = canonicalStream(model, opts, (b) => parts.push(b));
  const digest = await sha512Of(parts);
  return { proto, signatures, digest, message: concatBytes(DOMAIN_BYTES, digest) };
}
