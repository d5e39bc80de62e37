// Inputs for benchmarking when no data folder is given: symbolic dims become `batch` (first axis)
// or 1; floats are uniform in [-1, 1) from a fixed seed, integers are 1 (a valid token/mask/index
// for the models we see: 0 is often padding and large ids may fall out of a vocabulary).
import type { ValueMetadata } from '@octet/runtime';
import type { DataTensor } from './data-folder.js';
import { CliError } from './errors.js';

export function syntheticFeeds(inputs: readonly ValueMetadata[], batch: number): Record<string, DataTensor> {
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const feeds: Record<string, DataTensor> = {};
  for (const m of inputs) {
    if (!m.shape.length && m.type !== 'float32') throw new CliError(`input '${m.name}' has no declared shape; pass --inputs DIR`);
    const dims = m.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? batch : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    let data: DataTensor['data'];
    switch (m.type) {
      case 'float32':
        data = Float32Array.from({ length: n }, () => rand() * 2 - 1);
        break;
      case 'float64':
        data = Float64Array.from({ length: n }, () => rand() * 2 - 1);
        break;
      case 'int64':
        data = new BigInt64Array(n).fill(1n);
        break;
      case 'int32':
        data = new Int32Array(n).fill(1);
        break;
      case 'uint8':
      case 'bool':
        data = new Uint8Array(n).fill(1);
        break;
      case 'int8':
        data = new Int8Array(n).fill(1);
        break;
      default:
        throw new CliError(`input '${m.name}' has type ${m.type}; pass --inputs DIR to benchmark it`);
    }
    feeds[m.name] = { type: m.type, dims, data };
  }
  return feeds;
}
