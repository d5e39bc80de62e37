// Host-managed memory: the TypeScript allocator owns everything above the static data.
export function octet_heap_base(): usize {
  return __heap_base;
}
