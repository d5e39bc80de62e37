// Test helper: reads an ONNX backend node test case (model.onnx + test_data_set_0/*.pb) with a
// minimal protobuf reader, so the kernels' tests need neither @octet/onnx nor ../shared.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeCaseTensor {
  readonly dims: number[];
  readonly dataType: number;
  /** element values (int4 unpacked, floats as numbers) */
  readonly values: number[];
}

export interface NodeCase {
  readonly opType: string;
  readonly attributes: Record<string, number>;
  readonly inputs: NodeCaseTensor[];
  readonly outputs: NodeCaseTensor[];
}

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array; fixed?: number };

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = 0;
  const varint = (): bigint => {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const b = buf[p++];
      r |= BigInt(b & 0x7f) << s;
      if (!(b & 0x80)) return r;
      s += 7n;
    }
  };
  while (p < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, varint: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, bytes: buf.subarray(p, p + len) });
      p += len;
    } else if (wire === 5) {
      out.push({ no, wire, fixed: dv.getFloat32(p, true) });
      p += 4;
    } else if (wire === 1) p += 8;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function packedVarints(f: Field): bigint[] {
  if (f.varint !== undefined) return [f.varint];
  const r: bigint[] = [];
  for (const g of fields(withKeys(f.bytes!))) r.push(g.varint!);
  return r;
}

// Re-reads a packed varint payload by prefixing each value with a synthetic key.
function withKeys(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const byte of b) {
    if (start) out.push(8);
    out.push(byte);
    start = !(byte & 0x80);
  }
  return new Uint8Array(out);
}

const toInt = (v: bigint) => Number(BigInt.asIntN(64, v));

function tensor(buf: Uint8Array): NodeCaseTensor {
  const dims: number[] = [];
  let dataType = 0;
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) dims.push(...packedVarints(f).map(toInt));
    else if (f.no === 2) dataType = Number(f.varint);
    else if (f.no === 9) raw = f.bytes!;
    else if (f.no === 4) {
      if (f.fixed !== undefined) floats.push(f.fixed);
      else {
        const dv = new DataView(f.bytes!.buffer, f.bytes!.byteOffset, f.bytes!.byteLength);
        for (let i = 0; i < f.bytes!.length; i += 4) floats.push(dv.getFloat32(i, true));
      }
    } else if (f.no === 5) ints.push(...packedVarints(f).map(toInt));
  }
  const count = dims.reduce((p, d) => p * d, 1);
  let values: number[];
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = [];
    for (let i = 0; i < count; i++) {
      switch (dataType) {
        case 1: values.push(dv.getFloat32(i * 4, true)); break;
        case 2: values.push(dv.getUint8(i)); break;
        case 3: values.push(dv.getInt8(i)); break;
        case 4: values.push(dv.getUint16(i * 2, true)); break;
        case 5: values.push(dv.getInt16(i * 2, true)); break;
        case 6: values.push(dv.getInt32(i * 4, true)); break;
        case 21: case 22: {
          const nib = (raw[i >> 1] >> ((i & 1) * 4)) & 15;
          values.push(dataType === 22 ? (nib << 28) >> 28 : nib);
          break;
        }
        default: throw new Error(`unsupported data type ${dataType}`);
      }
    }
  } else if (dataType === 1) values = floats;
  else if (dataType === 21 || dataType === 22) {
    values = [];
    for (let i = 0; i < count; i++) {
      const nib = (ints[i >> 1] >> ((i & 1) * 4)) & 15;
      values.push(dataType === 22 ? (nib << 28) >> 28 : nib);
    }
  } else values = ints.map((v) => (dataType === 3 ? (v << 24) >> 24 : dataType === 5 ? (v << 16) >> 16 : v));
  return { dims, dataType, values };
}

export function readNodeCase(dir: string): NodeCase {
  const model = fields(readFileSync(join(dir, 'model.onnx')));
  const graph = fields(model.find((f) => f.no === 7)!.bytes!);
  const node = fields(graph.find((f) => f.no === 1)!.bytes!);
  const opType = new TextDecoder().decode(node.find((f) => f.no === 4)!.bytes!);
  const attributes: Record<string, number> = {};
  for (const a of node.filter((f) => f.no === 5)) {
    const af = fields(a.bytes!);
    const name = new TextDecoder().decode(af.find((f) => f.no === 1)!.bytes!);
    const i = af.find((f) => f.no === 3);
    if (i) attributes[name] = toInt(i.varint!);
  }
  const setDir = join(dir, 'test_data_set_0');
  const files = readdirSync(setDir).sort();
  const read = (prefix: string) =>
    files.filter((f) => f.startsWith(prefix)).sort((a, b) => parseInt(a.slice(prefix.length)) - parseInt(b.slice(prefix.length)))
      .map((f) => tensor(readFileSync(join(setDir, f))));
  return { opType, attributes, inputs: read('input_'), outputs: read('output_') };
}
