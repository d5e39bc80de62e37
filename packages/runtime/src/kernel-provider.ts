// What the runtime needs from @octet/kernels. Kept as a narrow interface so ops can fall back to
// their TypeScript path when the WASM module is not loaded (and so tests can compare both).

export interface KernelProvider {
  /** The module's instance; ops call its typed API. */
  readonly kernels: unknown;
}
