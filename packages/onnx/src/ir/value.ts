import { create } from '@bufbuild/protobuf';
import { ValueInfoProtoSchema, type TypeProto, type ValueInfoProto } from '../proto.js';
import { makeTensorTypeProto, tensorTypeOf, type Dim, type Shape } from './types.js';

/**
 * A named value with its type, backed by a ValueInfoProto (graph input, output or value_info
 * entry) so doc strings, denotations and unknown fields survive.
 */
export class Value {
  constructor(readonly info: ValueInfoProto) {}

  static create(name: string, elemType?: number, shape?: readonly Dim[]): Value {
    const info = create(ValueInfoProtoSchema, { name });
    if (elemType !== undefined) info.type = makeTensorTypeProto(elemType, shape);
    return new Value(info);
  }

  get name(): string {
    return this.info.name;
  }
  set name(n: string) {
    this.info.name = n;
  }

  /** The raw TypeProto (sequence, map and optional types live only here). */
  get type(): TypeProto | undefined {
    return this.info.type;
  }

  /** ONNX element type of a tensor value, undefined when unknown or not a tensor. */
  get elemType(): number | undefined {
    const t = tensorTypeOf(this.info.type);
    return t && t.elemType !== 0 ? t.elemType : undefined;
  }

  /** Shape of a tensor value; undefined when the rank is unknown. */
  get shape(): Shape | undefined {
    return tensorTypeOf(this.info.type)?.shape;
  }

  /** Set a tensor type (keeps the ValueInfoProto's other fields). */
  setType(elemType: number, shape?: readonly Dim[]): void {
    this.info.type = makeTensorTypeProto(elemType, shape);
  }
}
