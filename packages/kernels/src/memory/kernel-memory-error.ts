/**
 * The WASM heap could not grow to hold an allocation (the 4 GiB wasm32 ceiling, the memory's
 * declared maximum, or the host refusing the pages). A RangeError subclass so existing catches
 * keep working; the fields say how much was asked for and how much there was.
 */
export class KernelMemoryError extends RangeError {
  override readonly name = 'KernelMemoryError';
  constructor(
    /** Heap end the allocation needed, in bytes. */
    readonly requestedBytes: number,
    /** Size of the WASM memory when the growth failed, in bytes. */
    readonly currentBytes: number,
    reason: string,
  ) {
    super(
      `kernels heap: cannot grow WebAssembly memory from ${currentBytes} to ${requestedBytes} bytes (${reason})`,
    );
  }
}
