// Offsets in one arena for buffers with known lifetimes (step intervals, inclusive), reusing
// memory between buffers that are never live at the same time. Greedy by size (largest first,
// lowest free offset), as TFLite's planner does: simple and close to optimal on real graphs.

export interface Lifetime {
  bytes: number;
  start: number;
  end: number;
}

const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export function allocateOffsets(buffers: readonly Lifetime[]): { offsets: number[]; total: number } {
  const order = buffers.map((_, i) => i).sort((a, b) => buffers[b].bytes - buffers[a].bytes || a - b);
  const offsets = new Array<number>(buffers.length).fill(0);
  const placed: number[] = [];
  let total = 0;
  for (const i of order) {
    const b = buffers[i];
    const size = align(Math.max(b.bytes, 1));
    const conflicts = placed
      .filter((j) => buffers[j].start <= b.end && b.start <= buffers[j].end)
      .sort((x, y) => offsets[x] - offsets[y]);
    let offset = 0;
    for (const j of conflicts) {
      const jEnd = offsets[j] + align(Math.max(buffers[j].bytes, 1));
      if (offset + size <= offsets[j]) break;
      offset = Math.max(offset, jEnd);
    }
    offsets[i] = offset;
    placed.push(i);
    total = Math.max(total, offset + size);
  }
  return { offsets, total };
}
