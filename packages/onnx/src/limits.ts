// Bounds that keep hostile models from exhausting memory or time in shape inference: anything
// that would allocate in proportion to a number read from the model is checked against these.

/**
 * Largest tensor rank inferred from a declared shape (e.g. the output of Reshape whose shape
 * input is declared `[N]`). Real models stay below 10; a larger declared length leaves the rank
 * unknown rather than building an N-element array.
 */
export const MAX_INFERRED_RANK = 1024;

/** `n` unknown dims, or undefined (rank unknown) when `n` is not a plausible rank. */
export function unknownDims(n: number): undefined[] | undefined {
  return Number.isInteger(n) && n >= 0 && n <= MAX_INFERRED_RANK ? Array.from({ length: n }, () => undefined) : undefined;
}
