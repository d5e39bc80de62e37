// Size-first protobuf encoder over bufbuild descriptors. bufbuild's BinaryWriter grows a buffer
// by doubling and copies it once more at the end (up to ~3x the model size at peak) and cannot
// stream; this encoder computes every message size first, then writes either into one exact-size
// buffer or through a sink in bounded chunks, passing large `bytes` payloads (raw_data) through
// without copying. Field order and presence rules follow bufbuild's toBinary (field-number order,
// unknown fields last), which for canonically ordered input reproduces protobuf C++'s bytes.
import { ScalarType, type DescField, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

// FieldPresence values from google/protobuf/descriptor.proto editions features.
const IMPLICIT = 2;

const enum Kind {
  Scalar,
  Message,
  ScalarList,
  PackedList,
  MessageList,
  Oneof,
}

interface FieldPlan {
  field: DescField;
  kind: Kind;
  no: number;
  local: string;
  scalar: ScalarType;
  /** Tag of the field's own wire type (LEN for packed lists and messages). */
  tag: number;
  tagSize: number;
  message?: DescMessage;
  explicitPresence: boolean;
  oneofLocal?: string;
}

const plans = new WeakMap<DescMessage, FieldPlan[]>();

function wireOf(t: ScalarType): number {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 5;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 2;
    default:
      return 0;
  }
}

function planOf(desc: DescMessage): FieldPlan[] {
  let p = plans.get(desc);
  if (p) return p;
  p = [];
  for (const f of [...desc.fields].sort((a, b) => a.number - b.number)) {
    let kind: Kind;
    let scalar = ScalarType.INT32;
    let message: DescMessage | undefined;
    switch (f.fieldKind) {
      case 'scalar':
        kind = Kind.Scalar;
        scalar = f.scalar;
        break;
      case 'enum':
        kind = Kind.Scalar;
        break;
      case 'message':
        kind = Kind.Message;
        message = f.message;
        break;
      case 'list':
        if (f.listKind === 'message') {
          kind = Kind.MessageList;
          message = f.message;
        } else {
          scalar = f.listKind === 'scalar' ? f.scalar : ScalarType.INT32;
          kind = f.packed ? Kind.PackedList : Kind.ScalarList;
        }
        break;
      case 'map':
        throw new Error(`map fields are not supported (${f.parent.typeName}.${f.name})`);
    }
    const wire = kind === Kind.Message || kind === Kind.MessageList || kind === Kind.PackedList ? 2 : wireOf(scalar);
    const tag = ((f.number << 3) | wire) >>> 0;
    const plan: FieldPlan = {
      field: f,
      kind,
      no: f.number,
      local: f.localName,
      scalar,
      tag,
      tagSize: varintSize(tag),
      message,
      explicitPresence: f.presence !== IMPLICIT,
    };
    if (f.oneof && (kind === Kind.Scalar || kind === Kind.Message)) {
      plan.oneofLocal = f.oneof.localName;
      plan.kind = Kind.Oneof;
    }
    p.push(plan);
  }
  plans.set(desc, p);
  return p;
}

export function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  if (v < 2 ** 35) return 5;
  return Math.ceil(Math.log2(v + 1) / 7);
}

function bigVarintSize(v: bigint): number {
  if (v >= 0n && v < 0x10000000n) return varintSize(Number(v));
  let u = BigInt.asUintN(64, v);
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // surrogate pair: 4 bytes for 2 code units
      i++;
    } else n += 2;
  }
  return n;
}

/** Is a singular field present (to be written)? Mirrors bufbuild's toBinary. */
function present(p: FieldPlan, msg: Record<string, unknown>): boolean {
  const v = msg[p.local];
  if (p.explicitPresence) return v !== undefined && Object.prototype.hasOwnProperty.call(msg, p.local);
  switch (p.scalar) {
    case ScalarType.BOOL:
      return v !== false;
    case ScalarType.STRING:
      return v !== '';
    case ScalarType.BYTES:
      return !(v instanceof Uint8Array) || v.byteLength > 0;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return !Object.is(v, 0);
    default:
      return v != 0;
  }
}

function scalarSize(t: ScalarType, v: unknown): number {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 8;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 4;
    case ScalarType.BOOL:
      return 1;
    case ScalarType.STRING: {
      const n = utf8Length(v as string);
      return varintSize(n) + n;
    }
    case ScalarType.BYTES: {
      const n = (v as Uint8Array).byteLength;
      return varintSize(n) + n;
    }
    case ScalarType.INT32: {
      const x = v as number;
      return x < 0 ? 10 : varintSize(x);
    }
    case ScalarType.UINT32:
      return varintSize(v as number);
    case ScalarType.SINT32: {
      const x = v as number;
      return varintSize(((x << 1) ^ (x >> 31)) >>> 0);
    }
    case ScalarType.INT64:
    case ScalarType.UINT64:
      return bigVarintSize(BigInt(v as bigint));
    case ScalarType.SINT64: {
      const x = BigInt(v as bigint);
      return bigVarintSize(BigInt.asUintN(64, (x << 1n) ^ (x >> 63n)));
    }
    default:
      throw new Error(`unsupported scalar type ${t}`);
  }
}

/**
 * Computes message sizes for one encode call and records them in pre-order, the order in which
 * the writer needs them (each sub-message's length prefix comes before its fields).
 */
class Sizer {
  readonly sizes: number[] = [];

  message(desc: DescMessage, msg: Record<string, unknown>): number {
    const slot = this.sizes.length;
    this.sizes.push(0);
    let n = 0;
    for (const p of planOf(desc)) {
      switch (p.kind) {
        case Kind.Scalar:
          if (present(p, msg)) n += p.tagSize + scalarSize(p.scalar, msg[p.local]);
          break;
        case Kind.Message:
          if (present(p, msg)) {
            const s = this.message(p.message!, msg[p.local] as Record<string, unknown>);
            n += p.tagSize + varintSize(s) + s;
          }
          break;
        case Kind.Oneof: {
          const o = msg[p.oneofLocal!] as { case?: string; value?: unknown };
          if (o.case !== p.local) break;
          if (p.field.fieldKind === 'message') {
            const s = this.message(p.field.message, o.value as Record<string, unknown>);
            n += p.tagSize + varintSize(s) + s;
          } else n += p.tagSize + scalarSize(p.scalar, o.value);
          break;
        }
        case Kind.ScalarList: {
          const items = msg[p.local] as unknown[];
          for (let i = 0; i < items.length; i++) n += p.tagSize + scalarSize(p.scalar, items[i]);
          break;
        }
        case Kind.PackedList: {
          const items = msg[p.local] as unknown[];
          if (items.length === 0) break;
          const s = this.packedSize(p, items);
          n += p.tagSize + varintSize(s) + s;
          break;
        }
        case Kind.MessageList: {
          const items = msg[p.local] as Record<string, unknown>[];
          for (let i = 0; i < items.length; i++) {
            const s = this.message(p.message!, items[i]);
            n += p.tagSize + varintSize(s) + s;
          }
          break;
        }
      }
    }
    const unknown = msg.$unknown as { no: number; wireType: number; data: Uint8Array }[] | undefined;
    if (unknown) for (const u of unknown) n += varintSize(((u.no << 3) | u.wireType) >>> 0) + u.data.byteLength;
    this.sizes[slot] = n;
    return n;
  }

  packedSize(p: FieldPlan, items: unknown[]): number {
    const w = wireOf(p.scalar);
    if (w === 5) return items.length * 4;
    if (w === 1) return items.length * 8;
    let s = 0;
    for (let i = 0; i < items.length; i++) s += scalarSize(p.scalar, items[i]);
    return s;
  }
}

/** Receives encoded bytes in order. Chunks are only valid during the call (scratch is reused). */
export type ChunkSink = (chunk: Uint8Array) => void;

/** Writes into a fixed buffer (one-shot) or a scratch buffer flushed to a sink (streaming). */
class Out {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  constructor(
    buf: Uint8Array,
    readonly sink: ChunkSink | undefined,
    /** Bytes fields at least this large bypass the scratch buffer when streaming. */
    readonly passThrough: number,
  ) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  ensure(n: number): void {
    // One-shot mode writes into an exact-size buffer: sizes were computed, nothing to check.
    if (!this.sink || this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  flush(): void {
    if (this.sink && this.pos > 0) this.sink(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v > 0x7f) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  bigVarint(v: bigint): void {
    if (v >= 0n && v <= 0x7fffffffn) return this.varint(Number(v));
    this.ensure(10);
    let u = BigInt.asUintN(64, v);
    const b = this.buf;
    while (u > 0x7fn) {
      b[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    b[this.pos++] = Number(u);
  }

  int32(v: number): void {
    if (v >= 0) return this.varint(v);
    this.ensure(10);
    const b = this.buf;
    for (let i = 0; i < 9; i++) {
      b[this.pos++] = (v & 0x7f) | 0x80;
      v >>= 7;
    }
    b[this.pos++] = 1;
  }

  bytes(data: Uint8Array): void {
    if (this.sink && data.byteLength >= this.passThrough) {
      this.flush();
      this.sink(data);
      return;
    }
    this.ensure(data.byteLength);
    this.buf.set(data, this.pos);
    this.pos += data.byteLength;
  }

  string(s: string, n: number): void {
    this.varint(n);
    if (n === s.length) {
      // ASCII.
      this.ensure(n);
      const b = this.buf;
      for (let i = 0; i < n; i++) b[this.pos + i] = s.charCodeAt(i);
      this.pos += n;
      return;
    }
    this.ensure(n);
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + n));
    this.pos += written!;
  }
}

const encoder = new TextEncoder();

class Writer {
  /** Next entry of sizer.sizes (pre-order). */
  private next = 1; // entry 0 is the root message, which has no length prefix
  constructor(
    readonly out: Out,
    readonly sizer: Sizer,
  ) {}

  scalar(t: ScalarType, v: unknown): void {
    const o = this.out;
    switch (t) {
      case ScalarType.DOUBLE:
        o.ensure(8);
        o.view.setFloat64(o.pos, v as number, true);
        o.pos += 8;
        return;
      case ScalarType.FLOAT:
        o.ensure(4);
        o.view.setFloat32(o.pos, v as number, true);
        o.pos += 4;
        return;
      case ScalarType.FIXED32:
        o.ensure(4);
        o.view.setUint32(o.pos, v as number, true);
        o.pos += 4;
        return;
      case ScalarType.SFIXED32:
        o.ensure(4);
        o.view.setInt32(o.pos, v as number, true);
        o.pos += 4;
        return;
      case ScalarType.FIXED64:
        o.ensure(8);
        o.view.setBigUint64(o.pos, BigInt(v as bigint), true);
        o.pos += 8;
        return;
      case ScalarType.SFIXED64:
        o.ensure(8);
        o.view.setBigInt64(o.pos, BigInt(v as bigint), true);
        o.pos += 8;
        return;
      case ScalarType.BOOL:
        o.varint(v ? 1 : 0);
        return;
      case ScalarType.STRING:
        o.string(v as string, utf8Length(v as string));
        return;
      case ScalarType.BYTES:
        o.varint((v as Uint8Array).byteLength);
        o.bytes(v as Uint8Array);
        return;
      case ScalarType.INT32:
        o.int32(v as number);
        return;
      case ScalarType.UINT32:
        o.varint(v as number);
        return;
      case ScalarType.SINT32: {
        const x = v as number;
        o.varint(((x << 1) ^ (x >> 31)) >>> 0);
        return;
      }
      case ScalarType.INT64:
      case ScalarType.UINT64:
        o.bigVarint(BigInt(v as bigint));
        return;
      case ScalarType.SINT64: {
        const x = BigInt(v as bigint);
        o.bigVarint(BigInt.asUintN(64, (x << 1n) ^ (x >> 63n)));
        return;
      }
      default:
        throw new Error(`unsupported scalar type ${t}`);
    }
  }

  message(desc: DescMessage, msg: Record<string, unknown>): void {
    const o = this.out;
    for (const p of planOf(desc)) {
      switch (p.kind) {
        case Kind.Scalar:
          if (present(p, msg)) {
            o.varint(p.tag);
            this.scalar(p.scalar, msg[p.local]);
          }
          break;
        case Kind.Message:
          if (present(p, msg)) this.child(p, p.message!, msg[p.local] as Record<string, unknown>);
          break;
        case Kind.Oneof: {
          const c = msg[p.oneofLocal!] as { case?: string; value?: unknown };
          if (c.case !== p.local) break;
          if (p.field.fieldKind === 'message') this.child(p, p.field.message, c.value as Record<string, unknown>);
          else {
            o.varint(p.tag);
            this.scalar(p.scalar, c.value);
          }
          break;
        }
        case Kind.ScalarList: {
          const items = msg[p.local] as unknown[];
          for (let i = 0; i < items.length; i++) {
            o.varint(p.tag);
            this.scalar(p.scalar, items[i]);
          }
          break;
        }
        case Kind.PackedList: {
          const items = msg[p.local] as unknown[];
          if (items.length === 0) break;
          o.varint(p.tag);
          o.varint(this.sizer.packedSize(p, items));
          for (let i = 0; i < items.length; i++) this.scalar(p.scalar, items[i]);
          break;
        }
        case Kind.MessageList: {
          const items = msg[p.local] as Record<string, unknown>[];
          for (let i = 0; i < items.length; i++) this.child(p, p.message!, items[i]);
          break;
        }
      }
    }
    const unknown = msg.$unknown as { no: number; wireType: number; data: Uint8Array }[] | undefined;
    if (unknown) {
      for (const u of unknown) {
        o.varint(((u.no << 3) | u.wireType) >>> 0);
        o.bytes(u.data);
      }
    }
  }

  child(p: FieldPlan, desc: DescMessage, m: Record<string, unknown>): void {
    this.out.varint(p.tag);
    this.out.varint(this.sizer.sizes[this.next++]);
    this.message(desc, m);
  }
}

/** Exact encoded size of a message. */
export function encodedSize<D extends DescMessage>(desc: D, msg: MessageShape<D>): number {
  return new Sizer().message(desc, msg as unknown as Record<string, unknown>);
}

/** Encode a message into one exact-size buffer. */
export function encodeMessage<D extends DescMessage>(desc: D, msg: MessageShape<D>): Uint8Array {
  const sizer = new Sizer();
  const m = msg as unknown as Record<string, unknown>;
  const size = sizer.message(desc, m);
  const buf = new Uint8Array(size);
  const out = new Out(buf, undefined, Infinity);
  new Writer(out, sizer).message(desc, m);
  if (out.pos !== size) throw new Error(`encoder wrote ${out.pos} bytes, sized ${size} (internal error)`);
  return buf;
}

export interface StreamEncodeOptions {
  /** Scratch buffer size (default 1 MiB). */
  chunkSize?: number;
  /** Bytes fields at least this large are passed to the sink as is (default: chunkSize / 4). */
  passThrough?: number;
}

/**
 * Encode a message as a sequence of chunks (never more than `chunkSize` bytes of copies held,
 * large payloads passed through). Returns the total size. Works for any total size; protobuf
 * itself caps one message at 2 GiB, so larger models need external data (see saveModel).
 */
export function encodeMessageTo<D extends DescMessage>(desc: D, msg: MessageShape<D>, sink: ChunkSink, opts: StreamEncodeOptions = {}): number {
  const chunk = Math.max(16, opts.chunkSize ?? 1 << 20);
  const sizer = new Sizer();
  const m = msg as unknown as Record<string, unknown>;
  const size = sizer.message(desc, m);
  let written = 0;
  const counting: ChunkSink = (c) => {
    written += c.byteLength;
    sink(c);
  };
  const out = new Out(new Uint8Array(chunk), counting, opts.passThrough ?? Math.max(1, chunk >> 2));
  new Writer(out, sizer).message(desc, m);
  out.flush();
  if (written !== size) throw new Error(`encoder wrote ${written} bytes, sized ${size} (internal error)`);
  return size;
}
