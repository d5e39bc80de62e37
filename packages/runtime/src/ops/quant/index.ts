// Quantized op families (QDQ-fused internal ops, QOperator, dynamic, weight-only) register here.
// Owned by the quantized-ops work; see packages/runtime/README.md, "Adding ops".
//
// The QDQ patterns (src/patterns/) rewrite DQ → op → Q groups into the same input layout as
// the QOperator ops, in the internal `ai.octet` domain: those fused ops reuse the QOperator
// implementations (plus optional `activation_min`/`activation_max` for a fused ReLU/Clip).

import type { OpConfig } from '../../op-registry.js';
import { attentionSoftmaxConfig } from './AttentionSoftmax.js';
import { convIntegerConfig } from './ConvInteger.js';
import { dequantizeLinearConfig } from './DequantizeLinear.js';
import { dynamicQuantizeLinearConfig } from './DynamicQuantizeLinear.js';
import { dynamicQuantizeMatMulConfig } from './DynamicQuantizeMatMul.js';
import { matMulIntegerConfig } from './MatMulInteger.js';
import { matMulIntegerToFloatConfig } from './MatMulIntegerToFloat.js';
import { matMulNBitsConfig } from './MatMulNBits.js';
import { qGemmConfig } from './QGemm.js';
import { qLinearAveragePoolConfig } from './QLinearAveragePool.js';
import { qLinearConcatConfig } from './QLinearConcat.js';
import { qLinearConvConfig } from './QLinearConv.js';
import { qLinearGlobalAveragePoolConfig } from './QLinearGlobalAveragePool.js';
import { qLinearMatMulConfig } from './QLinearMatMul.js';
import { qLinearSoftmaxConfig } from './QLinearSoftmax.js';
import { quantizeLinearConfig } from './QuantizeLinear.js';
import { qLinearAddConfig, qLinearMulConfig } from './qlinear-binary.js';
import { qLinearLeakyReluConfig, qLinearLookupChainConfig, qLinearLookupTableConfig, qLinearSigmoidConfig } from './qlinear-lookup.js';

/** The internal domain of the ops the QDQ patterns emit. */
export const OCTET_DOMAIN = 'ai.octet';

/** The same op in the internal domain (opset 1), for nodes the patterns emit. */
export function inOctetDomain(c: OpConfig): OpConfig {
  return { ...c, domain: OCTET_DOMAIN, minOpset: 1, maxOpset: 1 };
}

const qOperatorConfigs: readonly OpConfig[] = [
  qLinearConvConfig,
  qLinearMatMulConfig,
  qGemmConfig,
  qLinearAddConfig,
  qLinearMulConfig,
  qLinearGlobalAveragePoolConfig,
  qLinearAveragePoolConfig,
  qLinearConcatConfig,
  qLinearSigmoidConfig,
  qLinearLeakyReluConfig,
  qLinearSoftmaxConfig,
];

/** The ops the QDQ patterns emit (ai.octet domain). */
export const fusedOpConfigs: readonly OpConfig[] = [...qOperatorConfigs, matMulIntegerToFloatConfig, dynamicQuantizeMatMulConfig, matMulNBitsConfig].map(inOctetDomain);

export const quantOpConfigs: readonly OpConfig[] = [
  quantizeLinearConfig,
  dequantizeLinearConfig,
  dynamicQuantizeLinearConfig,
  matMulIntegerConfig,
  convIntegerConfig,
  ...qOperatorConfigs,
  matMulIntegerToFloatConfig,
  dynamicQuantizeMatMulConfig,
  matMulNBitsConfig,
  ...fusedOpConfigs,
  qLinearLookupChainConfig,
  attentionSoftmaxConfig,
  qLinearLookupTableConfig,
];
