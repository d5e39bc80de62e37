// Plain references for the byte table passes (elementwise/lookup.ts): one load per byte, no blocking.

/** y[i] = table[x[i]]; table is 256 bytes. */
export function referenceLut(x: Uint8Array, table: Uint8Array): Uint8Array {
  return x.map((v) => table[v]);
}

/** y[r, j] = tables[j · 256 + x[r, j]] over x viewed as [x.length / N, N]. */
export function referenceLutColumns(x: Uint8Array, N: number, tables: Uint8Array): Uint8Array {
  return x.map((v, i) => tables[(i % N) * 256 + v]);
}
