// Seed models for the fuzz campaigns, all from test-data/ (no ../shared at test time).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeModelProto, decodeTensorProto, encodeModelProto } from '@octet/onnx';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));
const read = (p: string) => new Uint8Array(readFileSync(testData + p));

const FIXTURE_FILES = ['model.onnx', 'ref/ort_qdq.onnx', 'ref/ort_qop.onnx', 'ref/ort_dynamic.onnx'];
const CONFORMANCE = [
  'test_gemm_default_no_bias',
  'test_conv_with_strides_padding',
  'test_reshape_extended_dims',
  'test_constantofshape_int_zeros',
  'test_expand_dim_changed',
  'test_gather_0',
  'test_slice',
  'test_concat_2d_axis_0',
  'test_matmul_2d',
  'test_dequantizelinear',
  'test_qlinearmatmul_2D_uint8_float32',
  'test_range_float_type_positive_delta',
];

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

function fixtureSeeds(names: readonly string[], files = FIXTURE_FILES): Seed[] {
  return names.flatMap((n) => files.map((f) => ({ name: `${n}/${f}`, bytes: read(`fixtures/${n}/${f}`) })));
}

function conformanceSeeds(): Seed[] {
  const out: Seed[] = [];
  for (const c of CONFORMANCE) {
    try {
      out.push({ name: c, bytes: read(`onnx-tests/node/${c}/model.onnx`) });
    } catch {
      // a case trimmed from test-data: fewer seeds, same checks
    }
  }
  return out;
}

/** Decoder and validator: small fixtures in every quantization, and conformance models. */
export function parserSeeds(): Seed[] {
  return [...fixtureSeeds(['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits']), ...conformanceSeeds()];
}

/** Session creation and runs: the small fixtures (fp32 and quantized) and conformance models. */
export function sessionSeeds(): Seed[] {
  return [...fixtureSeeds(['mlp_diabetes', 'mlp_breast_cancer']), ...fixtureSeeds(['cnn_digits'], ['model.onnx', 'ref/ort_qdq.onnx']), ...conformanceSeeds()];
}

/** Quantizer: the two small MLPs (float models only). */
export function quantizerSeeds(): Seed[] {
  return fixtureSeeds(['mlp_diabetes', 'mlp_breast_cancer'], ['model.onnx']);
}

/** Tensor files: the fixtures' test and calibration batches (float32 and int64), labels. */
export function tensorSeeds(): Seed[] {
  const files = ['mlp_diabetes/test/input_0.pb', 'mlp_breast_cancer/test/labels.pb', 'encoder_sentiment/test/input_0.pb', 'encoder_sentiment/test/input_1.pb', 'cnn_digits/calib/input_0.pb'];
  return files.map((f) => ({ name: f, bytes: read(`fixtures/${f}`) }));
}

// Ops whose shape preparation reads attributes or small constant inputs (attribute campaign).
const ATTRIBUTE_CONFORMANCE = [
  'test_conv_with_strides_and_asymmetric_padding',
  'test_conv_with_autopad_same',
  'test_convtranspose_pads',
  'test_convtranspose_output_shape',
  'test_convtranspose_dilations',
  'test_convtranspose_group_2',
  'test_maxpool_2d_ceil',
  'test_maxpool_2d_dilations',
  'test_averagepool_2d_pads_count_include_pad',
  'test_averagepool_3d_dilations_small',
  'test_constant_pad',
  'test_edge_pad',
  'test_resize_upsample_scales_linear',
  'test_resize_downsample_sizes_nearest',
  'test_resize_tf_crop_and_resize',
  'test_upsample_nearest',
  'test_slice_neg_steps',
  'test_slice_default_axes',
  'test_tile',
  'test_range_int32_type_negative_delta',
  'test_reshape_extended_dims',
  'test_expand_dim_changed',
  'test_constantofshape_int_zeros',
  'test_split_variable_parts_2d_opset18',
  'test_transpose_all_permutations_3',
  'test_flatten_axis2',
  'test_gather_1',
  'test_concat_3d_axis_negative_2',
  'test_unsqueeze_axis_1',
  'test_squeeze_negative_axes',
  'test_reduce_sum_keepdims_example',
  'test_argmax_keepdims_example',
  'test_softmax_axis_1',
  'test_layer_normalization_2d_axis1',
  'test_gemm_all_attributes',
  'test_qlinearconv',
];

/**
 * A conformance model with its small and integer test inputs (shapes, starts/ends, pads, scales,
 * repeats…) made initializers, as exported models have them: constants for constantEdit.
 */
function withConstantInputs(dir: string): Uint8Array {
  const proto = decodeModelProto(read(`${dir}/model.onnx`));
  const g = proto.graph!;
  const inputs = [...g.input];
  inputs.forEach((input, k) => {
    const file = `${testData}${dir}/test_data_set_0/input_${k}.pb`;
    if (!existsSync(file)) return;
    const t = decodeTensorProto(new Uint8Array(readFileSync(file)));
    const n = t.dims.reduce((a, d) => a * Number(d), 1);
    if (!(t.dataType === 6 || t.dataType === 7 || n <= 16)) return;
    t.name = input.name;
    g.initializer.push(t);
    g.input = g.input.filter((i) => i !== input);
  });
  return encodeModelProto(proto);
}

/** Attribute campaign: conv/pool fixtures in every quantization and the conformance models above. */
export function attributeSeeds(): Seed[] {
  const conformance = ATTRIBUTE_CONFORMANCE.filter((c) => existsSync(`${testData}onnx-tests/node/${c}/model.onnx`)).map((c) => ({
    name: c,
    bytes: withConstantInputs(`onnx-tests/node/${c}`),
  }));
  return [...fixtureSeeds(['cnn_digits']), ...fixtureSeeds(['mlp_diabetes'], ['model.onnx', 'ref/ort_qdq.onnx']), ...conformance];
}
