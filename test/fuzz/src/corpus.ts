// Seed models for the fuzz campaigns, all from test-data/ (no ../shared at test time).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
