// Tensor types as the IR sees them: an element type and a shape of known, symbolic or unknown dims.
import { create } from '@bufbuild/protobuf';
import {
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  type TypeProto,
} from '../proto.js';

/** A dimension: a number (known), a string (symbolic, e.g. 'N'), or undefined (unknown). */
export type Dim = number | string | undefined;
/** A shape; `undefined` as a whole means the rank is unknown. */
export type Shape = Dim[];

export interface TensorType {
  /** ONNX DataType number; 0 when unknown. */
  elemType: number;
  /** Undefined when the rank is unknown. */
  shape?: Shape;
}

/** The tensor type in a TypeProto, or undefined for sequence/map/optional/missing types. */
export function tensorTypeOf(tp: TypeProto | undefined): TensorType | undefined {
  if (!tp || tp.value.case !== 'tensorType') return undefined;
  const tt = tp.value.value;
  const out: TensorType = { elemType: tt.elemType };
  if (tt.shape) {
    out.shape = tt.shape.dim.map((d) =>
      d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : undefined,
    );
  }
  return out;
}

/** A TypeProto for a tensor type (shape omitted when undefined). */
export function makeTensorTypeProto(elemType: number, shape?: readonly Dim[]): TypeProto {
  const tt = create(TypeProto_TensorSchema, { elemType });
  if (shape) {
    tt.shape = create(TensorShapeProtoSchema, {
      dim: shape.map((d) =>
        create(TensorShapeProto_DimensionSchema, {
          value:
            typeof d === 'number'
              ? { case: 'dimValue', value: BigInt(d) }
              : typeof d === 'string'
                ? { case: 'dimParam', value: d }
                : { case: undefined },
        }),
      ),
    });
  }
  return create(TypeProtoSchema, { value: { case: 'tensorType', value: tt } });
}

export function shapeToString(shape: Shape | undefined): string {
  if (!shape) return '?';
  return `[${shape.map((d) => (d === undefined ? '?' : String(d))).join(', ')}]`;
}

/** Product of known dims, or undefined when any dim is not a number. */
export function shapeSize(shape: Shape | undefined): number | undefined {
  if (!shape) return undefined;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}
