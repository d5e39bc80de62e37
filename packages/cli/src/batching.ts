// Batch size for running a data part: the model's fixed first dimension if it has one, else the
// user's --batch-size, else the whole part.
import type { Session } from './engine.js';
import type { DataTensor } from './data-folder.js';
import { CliError } from './errors.js';

export function batchSizeFor(session: Session, requested: number | undefined): number {
  const fixed = session.inputMetadata.map((m) => m.shape[0]).find((d): d is number => typeof d === 'number');
  if (fixed !== undefined) {
    if (requested !== undefined && requested !== fixed) throw new CliError(`the model's inputs have a fixed batch of ${fixed}; --batch-size ${requested} cannot be used`);
    return fixed;
  }
  return requested ?? Infinity;
}

/** Concatenates batch outputs along the first axis. */
export function concatSamples(parts: DataTensor[], name: string): DataTensor {
  if (parts.length === 1) return parts[0];
  const [first] = parts;
  const tail = first.dims.slice(1).join(',');
  for (const p of parts) {
    if (p.type !== first.type || p.dims.slice(1).join(',') !== tail) {
      throw new CliError(`output '${name}' changes shape between batches ([${first.dims.join(', ')}] vs [${p.dims.join(', ')}]); run without --batch-size`);
    }
  }
  const total = parts.reduce((s, p) => s + p.data.length, 0);
  const Ctor = (first.data as unknown as { constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void } }).constructor;
  const out = new Ctor(total);
  let off = 0;
  for (const p of parts) {
    out.set(p.data, off);
    off += p.data.length;
  }
  return { type: first.type, dims: [parts.reduce((s, p) => s + p.dims[0], 0), ...first.dims.slice(1)], data: out as unknown as DataTensor['data'] };
}
