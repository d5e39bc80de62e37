// NumPy's .npy format (np.save), versions 1–3: a magic string, a Python-literal header with
// 'descr' (dtype), 'fortran_order' and 'shape', then the array in C order. Little-endian numeric
// dtypes and bool; anything else is refused by name.

export class NpyError extends Error {
  override name = 'NpyError';
}

export type NpyArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface Npy {
  /** the dtype as numpy writes it ('<f4', '<i8', '|b1', …) */
  descr: string;
  dims: number[];
  data: NpyArray;
}

const TYPES: Record<string, { new (buffer: ArrayBuffer): NpyArray; BYTES_PER_ELEMENT: number }> = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, file: string): Npy {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(`${file} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new NpyError(`${file}: .npy version ${major} is not supported (1–3 are)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw new NpyError(`${file}: the header runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const field = (key: string, pattern: string) => new RegExp(`['"]${key}['"]\\s*:\\s*${pattern}`).exec(header);
  const descr = field('descr', `['"]([^'"]+)['"]`)?.[1];
  const fortran = field('fortran_order', '(True|False)')?.[1];
  const shape = field('shape', '\\(([^)]*)\\)')?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) throw new NpyError(`${file}: unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new NpyError(`${file} is in Fortran order; save a C-ordered array (np.save(f, np.ascontiguousarray(a)))`);
  const m = /^([<|=])([fiub][1248])$/.exec(descr);
  const Type = m && TYPES[m[2]!];
  if (!m || !Type) {
    throw new NpyError(`${file}: dtype '${descr}' is not supported (little-endian float32/64, int8–64, uint8–64 or bool)`);
  }
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+L?$/.test(s)) throw new NpyError(`${file}: bad shape (${shape})`);
      return Number.parseInt(s, 10);
    });
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  const byteLength = count * Type.BYTES_PER_ELEMENT;
  if (offset + byteLength > bytes.length) throw new NpyError(`${file}: shape (${dims.join(', ')}) of ${descr} needs ${byteLength} bytes of data, the file has ${bytes.length - offset}`);
  // A copy: the data may sit at any offset, typed arrays need their element alignment.
  const data = new Type(bytes.slice(offset, offset + byteLength).buffer);
  return { descr, dims, data };
}
