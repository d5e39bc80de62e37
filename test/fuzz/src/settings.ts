// Campaign sizes and seed. CI: the defaults (a few minutes on 2 cores). Longer local runs:
// scripts/fuzz-long.mjs sets OCTET_FUZZ_SCALE and OCTET_FUZZ_SEED.
const scale = Number(process.env.OCTET_FUZZ_SCALE ?? '1');
export const FUZZ_SEED = Number(process.env.OCTET_FUZZ_SEED ?? '20261127') >>> 0;
export const cases = (n: number) => Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
/** Heap growth (bytes) allowed between the first and the last gc'd sample of a campaign. */
export const HEAP_GROWTH_LIMIT = 64 * 2 ** 20;
