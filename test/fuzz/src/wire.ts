// Schema-free protobuf wire parsing into a tree (length-delimited payloads that parse as
// messages become children), and re-serialisation with recomputed lengths. Lets the mutators
// remove, duplicate or edit fields at any depth and still emit well-formed protobuf.

export interface WireField {
  no: number;
  wire: number;
  /** varint / fixed value bytes, or the payload of a length-delimited field. */
  raw: Uint8Array;
  /** Parsed payload of a length-delimited field that is itself a message. */
  children?: WireField[];
}

export function readVarint(b: Uint8Array, pos: number): [number, number] | undefined {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= b.length) return undefined;
    const x = b[pos + i];
    v += (x & 0x7f) * mul;
    mul *= 128;
    if (!(x & 0x80)) return [v, pos + i + 1];
  }
  return undefined;
}

export function writeVarint(v: number | bigint): Uint8Array {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return Uint8Array.from(out);
}

/** Parses `b` as a message; undefined if it is not one. `depth` bounds recursion. */
export function parseWire(b: Uint8Array, depth = 0): WireField[] | undefined {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const t = readVarint(b, pos);
    if (!t) return undefined;
    const [tag, p1] = t;
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === 0) return undefined;
    let end: number;
    if (wire === 0) {
      const v = readVarint(b, p1);
      if (!v) return undefined;
      end = v[1];
      fields.push({ no, wire, raw: b.subarray(p1, end) });
    } else if (wire === 1 || wire === 5) {
      end = p1 + (wire === 1 ? 8 : 4);
      if (end > b.length) return undefined;
      fields.push({ no, wire, raw: b.subarray(p1, end) });
    } else if (wire === 2) {
      const l = readVarint(b, p1);
      if (!l) return undefined;
      end = l[1] + l[0];
      if (end > b.length) return undefined;
      const raw = b.subarray(l[1], end);
      const children = depth < 24 && raw.length > 0 ? parseWire(raw, depth + 1) : undefined;
      fields.push({ no, wire, raw, children });
    } else return undefined;
    pos = end;
  }
  return fields;
}

export function serializeWire(fields: readonly WireField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(writeVarint(f.no * 8 + f.wire));
    if (f.wire === 2) {
      const payload = f.children ? serializeWire(f.children) : f.raw;
      parts.push(writeVarint(payload.length), payload);
    } else parts.push(f.raw);
  }
  // Node's own concatenation, as a plain Uint8Array view (so the mutators' .slice() still copies).
  const out = Buffer.concat(parts);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Every (list, index) position in the tree, for picking a field uniformly at any depth. */
export function fieldSlots(fields: WireField[], out: [WireField[], number][] = []): [WireField[], number][] {
  fields.forEach((f, i) => {
    out.push([fields, i]);
    if (f.children) fieldSlots(f.children, out);
  });
  return out;
}

/** Positions of every length prefix in the raw bytes (offset and size of the varint). */
export function lengthPrefixes(b: Uint8Array, base = 0, out: { at: number; size: number }[] = [], depth = 0): { at: number; size: number }[] {
  let pos = 0;
  while (pos < b.length) {
    const t = readVarint(b, pos);
    if (!t) return out;
    const wire = t[0] & 7;
    let p = t[1];
    if (wire === 0) {
      const v = readVarint(b, p);
      if (!v) return out;
      pos = v[1];
    } else if (wire === 1 || wire === 5) pos = p + (wire === 1 ? 8 : 4);
    else if (wire === 2) {
      const l = readVarint(b, p);
      if (!l) return out;
      out.push({ at: base + p, size: l[1] - p });
      p = l[1];
      if (p + l[0] > b.length) return out;
      if (depth < 24) lengthPrefixes(b.subarray(p, p + l[0]), base + p, out, depth + 1);
      pos = p + l[0];
    } else return out;
  }
  return out;
}
