// A strict pre-pass over the protobuf wire format, driven by the bufbuild descriptors.
// bufbuild's reader trusts wire types of known fields and reports errors without a position;
// this walker rejects every malformation with the exact field path and byte offset, and checks
// TensorProto payloads against their dims, before any message object is built. It allocates
// nothing proportional to the input and always terminates (every step advances or throws).
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { OnnxDecodeError } from './errors.js';
import { DataType, isKnownDType, rawByteLength } from './dtypes.js';
import { locationProblem } from './external-location.js';

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_SGROUP = 3;
const WIRE_EGROUP = 4;
const WIRE_I32 = 5;

/** Nesting limit for messages: deep enough for any real model, shallow enough for the JS stack. */
const MAX_DEPTH = 256;
const MAX_GROUP_DEPTH = 90;

interface FieldInfo {
  name: string;
  wire: number;
  /** Repeated numeric scalar: LEN (packed) is also accepted. */
  packable: boolean;
  repeated: boolean;
  message?: DescMessage;
  scalar?: ScalarType;
}

const infoCache = new WeakMap<DescMessage, Map<number, FieldInfo>>();

function scalarWire(t: ScalarType): number {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WIRE_I64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WIRE_I32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WIRE_LEN;
    default:
      return WIRE_VARINT;
  }
}

function fieldInfo(f: DescField): FieldInfo {
  switch (f.fieldKind) {
    case 'scalar':
      return { name: f.name, wire: scalarWire(f.scalar), packable: false, repeated: false, scalar: f.scalar };
    case 'enum':
      return { name: f.name, wire: WIRE_VARINT, packable: false, repeated: false };
    case 'message':
      return { name: f.name, wire: WIRE_LEN, packable: false, repeated: false, message: f.message };
    case 'list':
      if (f.listKind === 'message') return { name: f.name, wire: WIRE_LEN, packable: false, repeated: true, message: f.message };
      if (f.listKind === 'enum') return { name: f.name, wire: WIRE_VARINT, packable: true, repeated: true };
      return {
        name: f.name,
        wire: scalarWire(f.scalar),
        packable: scalarWire(f.scalar) !== WIRE_LEN,
        repeated: true,
        scalar: f.scalar,
      };
    case 'map':
      return { name: f.name, wire: WIRE_LEN, packable: false, repeated: true };
  }
}

function infoOf(desc: DescMessage): Map<number, FieldInfo> {
  let m = infoCache.get(desc);
  if (!m) {
    m = new Map();
    for (const f of desc.fields) m.set(f.number, fieldInfo(f));
    infoCache.set(desc, m);
  }
  return m;
}

/** Facts gathered while walking one TensorProto, checked when it ends. */
interface TensorFacts {
  dims: number[];
  dimsOffset: number;
  dataType: number;
  external: boolean;
  segment: boolean;
  rawLength: number;
  rawOffset: number;
  counts: Map<string, { n: number; offset: number }>;
}

const utf8 = new TextDecoder();

const TENSOR_TYPED_FIELDS = new Set(['float_data', 'int32_data', 'string_data', 'int64_data', 'double_data', 'uint64_data']);

/** Path of the message being walked; built per message, turned into a string only on error. */
interface Path {
  parent: Path | undefined;
  name: string;
  index: number; // -1: not a repeated element
}

function pathString(p: Path | undefined, field: string | undefined): string {
  const segs: string[] = [];
  for (let q = p; q; q = q.parent) segs.push(q.index >= 0 ? `${q.name}[${q.index}]` : q.name);
  segs.reverse();
  if (field !== undefined) segs.push(field);
  return segs.join('.');
}

class Walker {
  pos = 0;
  // Low/high 32-bit halves of the last varint read.
  lo = 0;
  hi = 0;
  // Where we are, for error messages only: current message path and field name.
  path: Path | undefined;
  field: string | undefined;

  constructor(
    readonly buf: Uint8Array,
    readonly file: string | undefined,
  ) {}

  fail(reason: string, offset: number): never {
    throw new OnnxDecodeError(reason, pathString(this.path, this.field), offset, this.file);
  }

  varint(end: number): void {
    const start = this.pos;
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail('truncated varint', start);
      const b = buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) {
        if (i === 9 && b > 1) this.fail('varint overflows 64 bits', start);
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail('varint longer than 10 bytes', start);
  }

  /** A length prefix; must fit in the enclosing range. */
  length(end: number): number {
    const at = this.pos;
    this.varint(end);
    if (this.hi !== 0 || this.lo > end - this.pos) {
      const len = this.hi * 2 ** 32 + this.lo;
      this.fail(`length ${len} runs past the end of the ${end === this.buf.length ? 'buffer' : 'enclosing message'} (${end - this.pos} bytes left)`, at);
    }
    return this.lo;
  }

  /**
   * Length prefix of a sub-message. When the input is truncated inside it, walk the bytes that
   * are there first: the innermost field cut off names the truncation more precisely.
   */
  messageLength(desc: DescMessage, end: number, child: Path, depth: number): number {
    const at = this.pos;
    try {
      return this.length(end);
    } catch (outer) {
      if (!(outer instanceof OnnxDecodeError) || end !== this.buf.length || this.pos === at) throw outer;
      try {
        this.message(desc, end, child, depth + 1);
      } catch (inner) {
        if (inner instanceof OnnxDecodeError && /past the end|truncated/.test(inner.reason)) throw inner;
      }
      throw outer;
    }
  }

  skip(n: number, end: number, at: number): void {
    if (n > end - this.pos) this.fail(`truncated: field needs ${n} bytes, ${end - this.pos} left`, at);
    this.pos += n;
  }

  /** Walk one message occupying [pos, end). */
  message(desc: DescMessage, end: number, path: Path, depth: number): void {
    const outerPath = this.path;
    const outerField = this.field;
    this.path = path;
    this.field = undefined;
    if (depth > MAX_DEPTH) this.fail(`messages nested deeper than ${MAX_DEPTH}`, this.pos);
    const fields = infoOf(desc);
    const isTensor = desc.typeName === 'onnx.TensorProto';
    const facts: TensorFacts | undefined = isTensor
      ? { dims: [], dimsOffset: -1, dataType: 0, external: false, segment: false, rawLength: -1, rawOffset: -1, counts: new Map() }
      : undefined;
    const msgStart = this.pos;
    // external_data entries are checked here so a model pointing outside its folder fails to decode.
    const ext = desc.typeName === 'onnx.StringStringEntryProto' && path.name === 'external_data' ? { key: '', value: '', valueAt: msgStart } : undefined;
    let indexCounts: Map<number, number> | undefined;
    while (this.pos < end) {
      const tagAt = this.pos;
      this.field = '<tag>';
      this.varint(end);
      if (this.hi !== 0) this.fail('field tag too large', tagAt);
      const tag = this.lo;
      const no = tag >>> 3;
      const wire = tag & 7;
      this.field = undefined;
      if (no === 0) this.fail('invalid field number 0', tagAt);
      if (wire > 5) this.fail(`invalid wire type ${wire}`, tagAt);
      const info = fields.get(no);
      if (!info) {
        this.field = `<${no}>`;
        this.unknown(no, wire, end, tagAt, depth);
        continue;
      }
      this.field = info.name;
      let index = -1;
      if (info.repeated && info.message) {
        indexCounts ??= new Map();
        index = indexCounts.get(no) ?? 0;
        indexCounts.set(no, index + 1);
        this.field = `${info.name}[${index}]`;
      }
      if (wire !== info.wire && !(info.packable && wire === WIRE_LEN)) {
        this.fail(`wrong wire type ${wire} (expected ${info.wire}${info.packable ? ' or 2' : ''})`, tagAt);
      }
      if (info.message) {
        const child: Path = { parent: path, name: info.name, index };
        const len = this.messageLength(info.message, end, child, depth);
        const subEnd = this.pos + len;
        this.message(info.message, subEnd, child, depth + 1);
        if (facts && info.name === 'segment') facts.segment = true;
        if (facts && info.name === 'external_data') facts.external = true;
        continue;
      }
      if (wire === WIRE_LEN) {
        const len = this.length(end);
        const dataAt = this.pos;
        if (info.packable) this.packed(info, dataAt, len, tagAt, facts);
        else if (facts && info.name === 'raw_data') {
          facts.rawLength = len;
          facts.rawOffset = tagAt;
        } else if (facts && info.name === 'string_data') this.count(facts, 'string_data', 1, tagAt);
        else if (ext) {
          const text = utf8.decode(this.buf.subarray(dataAt, dataAt + len));
          if (info.name === 'key') ext.key = text;
          else {
            ext.value = text;
            ext.valueAt = tagAt;
          }
        }
        this.pos = dataAt + len;
        continue;
      }
      if (wire === WIRE_VARINT) {
        this.varint(end);
        if (facts) {
          if (info.name === 'dims') {
            if (facts.dimsOffset < 0) facts.dimsOffset = tagAt;
            facts.dims.push(this.dim(tagAt));
          } else if (info.name === 'data_type') facts.dataType = this.lo | 0;
          else if (info.name === 'data_location') facts.external = facts.external || this.lo === 1;
          else if (TENSOR_TYPED_FIELDS.has(info.name)) this.count(facts, info.name, 1, tagAt);
        }
        continue;
      }
      this.skip(wire === WIRE_I64 ? 8 : 4, end, tagAt);
      if (facts && TENSOR_TYPED_FIELDS.has(info.name)) this.count(facts, info.name, 1, tagAt);
    }
    this.field = undefined;
    if (this.pos !== end) this.fail('message overruns its length', msgStart);
    if (facts) this.checkTensor(facts, msgStart);
    if (ext) this.checkExternalEntry(ext);
    this.path = outerPath;
    this.field = outerField;
  }

  checkExternalEntry(e: { key: string; value: string; valueAt: number }): void {
    this.field = 'value';
    if (e.key === 'location') {
      const problem = locationProblem(e.value);
      if (problem) this.fail(problem, e.valueAt);
    } else if ((e.key === 'offset' || e.key === 'length') && !/^\d+$/.test(e.value)) {
      this.fail(`external data ${e.key} '${e.value}' is not a non-negative integer`, e.valueAt);
    }
    this.field = undefined;
  }

  count(facts: TensorFacts, name: string, n: number, at: number): void {
    const c = facts.counts.get(name);
    if (c) c.n += n;
    else facts.counts.set(name, { n, offset: at });
  }

  /** A dims entry: int64 must be >= 0 and small enough to multiply safely. */
  dim(at: number): number {
    if (this.hi & 0x80000000) {
      const v = -(Number(~this.hi >>> 0) * 2 ** 32 + Number(~this.lo >>> 0) + 1);
      this.fail(`negative dimension ${v}`, at);
    }
    const v = this.hi * 2 ** 32 + this.lo;
    if (v > Number.MAX_SAFE_INTEGER) this.fail(`dimension ${v} overflows`, at);
    return v;
  }

  packed(info: FieldInfo, start: number, len: number, at: number, facts: TensorFacts | undefined): void {
    const end = start + len;
    let n: number;
    if (info.wire === WIRE_I32 || info.wire === WIRE_I64) {
      const size = info.wire === WIRE_I32 ? 4 : 8;
      if (len % size !== 0) this.fail(`packed field length ${len} is not a multiple of ${size}`, at);
      n = len / size;
    } else {
      n = 0;
      this.pos = start;
      const isDims = facts !== undefined && info.name === 'dims';
      while (this.pos < end) {
        this.varint(end);
        if (isDims) {
          if (facts.dimsOffset < 0) facts.dimsOffset = at;
          facts.dims.push(this.dim(at));
        }
        n++;
      }
    }
    if (facts && TENSOR_TYPED_FIELDS.has(info.name)) this.count(facts, info.name, n, at);
  }

  unknown(no: number, wire: number, end: number, at: number, depth: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint(end);
        return;
      case WIRE_I64:
        this.skip(8, end, at);
        return;
      case WIRE_I32:
        this.skip(4, end, at);
        return;
      case WIRE_LEN: {
        const len = this.length(end);
        this.pos += len;
        return;
      }
      case WIRE_SGROUP: {
        // bufbuild's reader allows 100 nested groups; stay within that.
        if (depth > MAX_GROUP_DEPTH) this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`, at);
        for (;;) {
          if (this.pos >= end) this.fail('unterminated group', at);
          const tagAt = this.pos;
          this.varint(end);
          const t = this.lo;
          if ((t & 7) === WIRE_EGROUP) {
            if (t >>> 3 !== no) this.fail(`group end tag ${t >>> 3} does not match start ${no}`, tagAt);
            return;
          }
          if ((t & 7) > 5 || t >>> 3 === 0) this.fail(`invalid tag ${t} in group`, tagAt);
          this.unknown(t >>> 3, t & 7, end, tagAt, depth + 1);
        }
      }
      case WIRE_EGROUP:
        this.fail('unexpected group end tag', at);
      default:
        this.fail(`invalid wire type ${wire}`, at);
    }
  }

  checkTensor(f: TensorFacts, at: number): void {
    let n = 1;
    for (const d of f.dims) {
      n *= d;
      if (n > Number.MAX_SAFE_INTEGER) {
        this.field = 'dims';
        this.fail(`element count of dims [${f.dims.join(', ')}] overflows`, f.dimsOffset);
      }
    }
    if (f.external || f.segment || !isKnownDType(f.dataType)) return;
    const dt = f.dataType;
    if (f.rawLength >= 0) {
      this.field = 'raw_data';
      if (dt === DataType.STRING) this.fail('raw_data is not allowed for STRING tensors', f.rawOffset);
      const want = rawByteLength(dt, n);
      if (f.rawLength !== want) this.fail(`raw_data has ${f.rawLength} bytes, dims [${f.dims.join(', ')}] need ${want}`, f.rawOffset);
      this.field = undefined;
      return;
    }
    for (const [name, c] of f.counts) {
      const want = typedFieldCount(dt, name, n);
      this.field = name;
      if (want === undefined) this.fail(`${name} is not valid for data type ${dt}`, c.offset);
      if (c.n !== want) this.fail(`${name} has ${c.n} elements, dims [${f.dims.join(', ')}] need ${want}`, c.offset);
    }
    this.field = undefined;
    // No payload at all is fine only for empty tensors (ONNX's checker agrees).
    if (f.counts.size === 0 && n > 0) this.fail(`no data for ${n} elements`, at);
  }
}

/** Elements expected in a typed repeated field, or undefined when the field is wrong for the dtype. */
export function typedFieldCount(dt: number, field: string, n: number): number | undefined {
  switch (field) {
    case 'float_data':
      return dt === DataType.FLOAT ? n : dt === DataType.COMPLEX64 ? 2 * n : undefined;
    case 'double_data':
      return dt === DataType.DOUBLE ? n : dt === DataType.COMPLEX128 ? 2 * n : undefined;
    case 'int64_data':
      return dt === DataType.INT64 ? n : undefined;
    case 'uint64_data':
      return dt === DataType.UINT32 || dt === DataType.UINT64 ? n : undefined;
    case 'string_data':
      return dt === DataType.STRING ? n : undefined;
    case 'int32_data':
      switch (dt) {
        case DataType.INT4:
        case DataType.UINT4:
        case DataType.FLOAT4E2M1:
          return Math.ceil(n / 2);
        case DataType.INT2:
        case DataType.UINT2:
          return Math.ceil(n / 4);
        case DataType.INT32:
        case DataType.INT16:
        case DataType.INT8:
        case DataType.UINT16:
        case DataType.UINT8:
        case DataType.BOOL:
        case DataType.FLOAT16:
        case DataType.BFLOAT16:
        case DataType.FLOAT8E4M3FN:
        case DataType.FLOAT8E4M3FNUZ:
        case DataType.FLOAT8E5M2:
        case DataType.FLOAT8E5M2FNUZ:
        case DataType.FLOAT8E8M0:
          return n;
        default:
          return undefined;
      }
  }
  return undefined;
}

/**
 * Check `bytes` is a well-formed `desc` message; throws OnnxDecodeError with path and offset.
 */
export function checkWireFormat(bytes: Uint8Array, desc: DescMessage, file?: string): void {
  const w = new Walker(bytes, file);
  w.message(desc, bytes.length, { parent: undefined, name: desc.name, index: -1 }, 0);
}
