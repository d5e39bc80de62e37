// Host-managed memory: the TypeScript allocator owns everything above the static data.
export function octet_heap_base(): usize {
  return __heap_base;
}

/**
 * Reads one byte per 64-byte cache line of [p, end) and returns where the next call should start.
 * WebAssembly has no prefetch: the GEMM tiles call this on a slice of the next weight panel each,
 * so that panel's first tile finds it in cache.
 */
@inline
export function touchLines(p: usize, end: usize): usize {
  while (p < end) {
    load<u8>(p);
    p += 64;
  }
  return p;
}
