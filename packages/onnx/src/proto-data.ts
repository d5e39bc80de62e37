// onnx-data.proto: SequenceProto, MapProto, OptionalProto — the `.pb` files ONNX's backend tests
// use for sequence/map/optional inputs and outputs. onnx-buf ships only onnx.proto, so the
// descriptors are assembled here from the schema (field numbers as in onnx/onnx-data.proto).
import { create, createFileRegistry, type DescMessage, type Message } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, FileDescriptorProtoSchema, type FieldDescriptorProto } from '@bufbuild/protobuf/wkt';
import { file_onnx } from 'onnx-buf';
import type { SparseTensorProto, TensorProto } from './proto.js';

export type SequenceProto = Message<'onnx.SequenceProto'> & {
  name: string;
  elemType: number;
  tensorValues: TensorProto[];
  sparseTensorValues: SparseTensorProto[];
  sequenceValues: SequenceProto[];
  mapValues: MapProto[];
  optionalValues: OptionalProto[];
};
export type MapProto = Message<'onnx.MapProto'> & {
  name: string;
  keyType: number;
  keys: bigint[];
  stringKeys: Uint8Array[];
  values?: SequenceProto;
};
export type OptionalProto = Message<'onnx.OptionalProto'> & {
  name: string;
  elemType: number;
  tensorValue?: TensorProto;
  sparseTensorValue?: SparseTensorProto;
  sequenceValue?: SequenceProto;
  mapValue?: MapProto;
  optionalValue?: OptionalProto;
};

const OPT = 1;
const REP = 3;
const T = { INT64: 3, INT32: 5, STRING: 9, MESSAGE: 11, BYTES: 12 } as const;
type F = [name: string, number: number, label: number, type: number, typeName?: string];
const field = ([name, number, label, type, typeName]: F): FieldDescriptorProto =>
  create(FieldDescriptorProtoSchema, {
    name,
    number,
    label,
    type,
    ...(typeName ? { typeName: `.onnx.${typeName}` } : {}),
    jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
  });

const fdp = create(FileDescriptorProtoSchema, {
  name: 'onnx-data.proto',
  package: 'onnx',
  dependency: ['onnx.proto'],
  syntax: 'proto2',
  messageType: [
    {
      name: 'SequenceProto',
      field: ([
        ['name', 1, OPT, T.STRING],
        ['elem_type', 2, OPT, T.INT32],
        ['tensor_values', 3, REP, T.MESSAGE, 'TensorProto'],
        ['sparse_tensor_values', 4, REP, T.MESSAGE, 'SparseTensorProto'],
        ['sequence_values', 5, REP, T.MESSAGE, 'SequenceProto'],
        ['map_values', 6, REP, T.MESSAGE, 'MapProto'],
        ['optional_values', 7, REP, T.MESSAGE, 'OptionalProto'],
      ] as F[]).map(field),
    },
    {
      name: 'MapProto',
      field: ([
        ['name', 1, OPT, T.STRING],
        ['key_type', 2, OPT, T.INT32],
        ['keys', 3, REP, T.INT64],
        ['string_keys', 4, REP, T.BYTES],
        ['values', 5, OPT, T.MESSAGE, 'SequenceProto'],
      ] as F[]).map(field),
    },
    {
      name: 'OptionalProto',
      field: ([
        ['name', 1, OPT, T.STRING],
        ['elem_type', 2, OPT, T.INT32],
        ['tensor_value', 3, OPT, T.MESSAGE, 'TensorProto'],
        ['sparse_tensor_value', 4, OPT, T.MESSAGE, 'SparseTensorProto'],
        ['sequence_value', 5, OPT, T.MESSAGE, 'SequenceProto'],
        ['map_value', 6, OPT, T.MESSAGE, 'MapProto'],
        ['optional_value', 7, OPT, T.MESSAGE, 'OptionalProto'],
      ] as F[]).map(field),
    },
  ],
});

let registry: ReturnType<typeof createFileRegistry> | undefined;
function message(name: string): DescMessage {
  registry ??= createFileRegistry(fdp, (f) => (f === 'onnx.proto' ? file_onnx : undefined));
  const d = registry.getMessage(`onnx.${name}`);
  if (!d) throw new Error(`onnx.${name} missing from the onnx-data registry`);
  return d;
}

/** Descriptors, built on first use. */
export const onnxData = {
  get SequenceProtoSchema(): DescMessage {
    return message('SequenceProto');
  },
  get MapProtoSchema(): DescMessage {
    return message('MapProto');
  },
  get OptionalProtoSchema(): DescMessage {
    return message('OptionalProto');
  },
};
