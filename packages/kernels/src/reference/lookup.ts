// Plain references for the byte table passes (elementwise/lookup.ts): one load per byte, no blocking.

/** y[i] = table[x[i]]; table is 256 bytes. */
export function referenceLut(x: Uint8Array, table: Uint8Array): Uint8Array {
  return x.map((v) => table[v]);
}

/** y[r, j] = tables[j · 256 + x[r, j]] over x viewed as [x.length / N, N]. */
export function referenceLutColumns(x: Uint8Array, N: number, tables: Uint8Array): Uint8Array {
  return x.map((v, i) => tables[(i % N) * 256 + v]);
}

/** y[r, j] = tables[j · 256 + x[r]]: x of `rows` bytes (last axis 1) broadcast against N columns. */
export function referenceLutBroadcast(x: Uint8Array, N: number, tables: Uint8Array): Uint8Array {
  const y = new Uint8Array(x.length * N);
  for (let r = 0; r < x.length; r++) for (let j = 0; j < N; j++) y[r * N + j] = tables[j * 256 + x[r]];
  return y;
}
