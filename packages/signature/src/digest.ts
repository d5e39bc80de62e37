// SHA-512, as fast as the platform allows with the same result everywhere: Node's own crypto
// (found at run time through `process.getBuiltinModule`, so the package stays browser-safe),
// WebCrypto's one-shot digest for in-memory input in browsers, @noble/hashes otherwise (streams,
// any size).
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.js';

export interface Sha512Stream {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

interface NodeCrypto {
  createHash(alg: string): { update(b: Uint8Array): unknown; digest(): Uint8Array };
}

let nodeCrypto: NodeCrypto | null | undefined;
function node(): NodeCrypto | null {
  if (nodeCrypto === undefined) {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    nodeCrypto = (p?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
  }
  return nodeCrypto;
}

let forceNoble = false;
/** Tests: force the @noble/hashes path (results must not change). */
export function useNativeDigest(enabled: boolean): void {
  forceNoble = !enabled;
}

/** A streaming SHA-512 (synchronous). */
export function createSha512(): Sha512Stream {
  const n = forceNoble ? null : node();
  if (n) {
    const h = n.createHash('sha512');
    return {
      update: (b) => void h.update(b),
      digest: () => new Uint8Array(h.digest()),
    };
  }
  const h = nobleSha512.create();
  return { update: (b) => void h.update(b), digest: () => h.digest() };
}

/** Largest input hashed in one WebCrypto call (it needs one buffer). */
const ONE_SHOT_LIMIT = 2 ** 28;

/** SHA-512 of the concatenation of `parts` (asynchronous: may use WebCrypto). */
export async function sha512Of(parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (!forceNoble && !node() && subtle && total <= ONE_SHOT_LIMIT) {
    return new Uint8Array(await subtle.digest('SHA-512', concatBytes(...parts) as BufferSource));
  }
  const h = createSha512();
  for (const p of parts) h.update(p);
  return h.digest();
}
