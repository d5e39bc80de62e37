// Plain TypeScript SGEMM (row-major): the fallback when WASM kernels are not loaded, and for
// dtypes other than float32. i-k-j order so the inner loop streams rows of B and C.

type F = Float32Array | Float64Array;

/** C[m×n] (+)= A[m×k] · B[k×n]; leading dimensions are the row lengths. */
export function gemmTS(
  m: number, n: number, k: number,
  a: F, aOff: number, lda: number,
  b: F, bOff: number, ldb: number,
  c: F, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * ldc;
    if (!accumulate) for (let j = 0; j < n; j++) c[ci + j] = 0;
    const ai = aOff + i * lda;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p];
      const bp = bOff + p * ldb;
      for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
    }
  }
}

/** Row-major transpose of a rows×cols matrix into dst (cols×rows). */
export function transpose2d(src: F, srcOff: number, rows: number, cols: number, dst: F, dstOff: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) dst[dstOff + j * rows + i] = src[srcOff + i * cols + j];
}
