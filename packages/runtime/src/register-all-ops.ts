// Every op the default registry knows, listed explicitly (no side-effect registration).

import type { GraphPattern, OpConfig, OpRegistry } from './op-registry.js';
import { createOpRegistry } from './op-registry-impl.js';
import { quantOpConfigs } from './ops/quant/index.js';
import { fuseConvActivationPattern } from './patterns/fuse-conv-activation.js';
import { fuseConvIntegerCastPattern } from './patterns/fuse-conv-integer-cast.js';
import { convIntegerToFloatConfig } from './ops/quant/ConvInteger.js';
import { fuseGemmReluPattern } from './patterns/fuse-gemm-relu.js';
import { fuseMatMulBiasPattern } from './patterns/fuse-matmul-bias.js';
import { graphPatterns } from './patterns/index.js';
import { absConfig } from './ops/Abs.js';
import { addConfig } from './ops/Add.js';
import { andConfig } from './ops/And.js';
import { argMaxConfig } from './ops/ArgMax.js';
import { averagePoolConfig } from './ops/AveragePool.js';
import { batchNormalizationConfig } from './ops/BatchNormalization.js';
import { castConfig } from './ops/Cast.js';
import { castLikeConfig } from './ops/CastLike.js';
import { ceilConfig } from './ops/Ceil.js';
import { clipConfig } from './ops/Clip.js';
import { concatConfig } from './ops/Concat.js';
import { constantConfig } from './ops/Constant.js';
import { constantOfShapeConfig } from './ops/ConstantOfShape.js';
import { convConfig } from './ops/Conv.js';
import { convTransposeConfig } from './ops/ConvTranspose.js';
import { divConfig } from './ops/Div.js';
import { dropoutConfig } from './ops/Dropout.js';
import { eluConfig } from './ops/Elu.js';
import { equalConfig } from './ops/Equal.js';
import { erfConfig } from './ops/Erf.js';
import { expConfig } from './ops/Exp.js';
import { expandConfig } from './ops/Expand.js';
import { flattenConfig } from './ops/Flatten.js';
import { floorConfig } from './ops/Floor.js';
import { fusedConvConfig } from './ops/FusedConv.js';
import { gatherConfig } from './ops/Gather.js';
import { geluConfig, geluFusedConfig } from './ops/Gelu.js';
import { fusedGemmConfig, gemmConfig } from './ops/Gemm.js';
import { globalAveragePoolConfig } from './ops/GlobalAveragePool.js';
import { globalMaxPoolConfig } from './ops/GlobalMaxPool.js';
import { greaterConfig } from './ops/Greater.js';
import { greaterOrEqualConfig } from './ops/GreaterOrEqual.js';
import { hardSigmoidConfig } from './ops/HardSigmoid.js';
import { hardSwishConfig } from './ops/HardSwish.js';
import { identityConfig } from './ops/Identity.js';
import { addLayerNormalizationConfig, layerNormalizationConfig } from './ops/LayerNormalization.js';
import { leakyReluConfig } from './ops/LeakyRelu.js';
import { lessConfig } from './ops/Less.js';
import { lessOrEqualConfig } from './ops/LessOrEqual.js';
import { logConfig } from './ops/Log.js';
import { logSoftmaxConfig } from './ops/LogSoftmax.js';
import { matMulAddConfig, matMulConfig, matMulFoldedConfig } from './ops/MatMul.js';
import { maxPoolConfig } from './ops/MaxPool.js';
import { mulConfig } from './ops/Mul.js';
import { negConfig } from './ops/Neg.js';
import { notConfig } from './ops/Not.js';
import { orConfig } from './ops/Or.js';
import { pReluConfig } from './ops/PRelu.js';
import { padConfig } from './ops/Pad.js';
import { powConfig } from './ops/Pow.js';
import { rangeConfig } from './ops/Range.js';
import { reciprocalConfig } from './ops/Reciprocal.js';
import { reduceMaxConfig } from './ops/ReduceMax.js';
import { reduceMeanConfig } from './ops/ReduceMean.js';
import { reduceMinConfig } from './ops/ReduceMin.js';
import { reduceSumConfig } from './ops/ReduceSum.js';
import { reluConfig } from './ops/Relu.js';
import { meanConfig } from './ops/Mean.js';
import { minConfig } from './ops/Min.js';
import { maxConfig } from './ops/Max.js';
import { sumConfig } from './ops/Sum.js';
import { reshapeConfig } from './ops/Reshape.js';
import { resizeConfig } from './ops/Resize.js';
import { shapeConfig } from './ops/Shape.js';
import { sigmoidConfig } from './ops/Sigmoid.js';
import { sizeConfig } from './ops/Size.js';
import { sliceConfig } from './ops/Slice.js';
import { softmaxConfig } from './ops/Softmax.js';
import { softplusConfig } from './ops/Softplus.js';
import { splitConfig } from './ops/Split.js';
import { sqrtConfig } from './ops/Sqrt.js';
import { squeezeConfig } from './ops/Squeeze.js';
import { subConfig } from './ops/Sub.js';
import { tanhConfig } from './ops/Tanh.js';
import { tileConfig } from './ops/Tile.js';
import { transposeConfig } from './ops/Transpose.js';
import { unsqueezeConfig } from './ops/Unsqueeze.js';
import { upsampleConfig } from './ops/Upsample.js';
import { whereConfig } from './ops/Where.js';
import { xorConfig } from './ops/Xor.js';

export const floatOpConfigs: readonly OpConfig[] = [
  absConfig,
  addConfig,
  andConfig,
  argMaxConfig,
  averagePoolConfig,
  batchNormalizationConfig,
  castConfig,
  castLikeConfig,
  ceilConfig,
  clipConfig,
  concatConfig,
  constantConfig,
  constantOfShapeConfig,
  convConfig,
  convTransposeConfig,
  divConfig,
  dropoutConfig,
  eluConfig,
  equalConfig,
  erfConfig,
  expConfig,
  expandConfig,
  flattenConfig,
  floorConfig,
  fusedConvConfig,
  gatherConfig,
  geluConfig,
  geluFusedConfig,
  gemmConfig,
  fusedGemmConfig,
  globalAveragePoolConfig,
  globalMaxPoolConfig,
  greaterConfig,
  greaterOrEqualConfig,
  hardSigmoidConfig,
  hardSwishConfig,
  identityConfig,
  layerNormalizationConfig,
  addLayerNormalizationConfig,
  leakyReluConfig,
  lessConfig,
  lessOrEqualConfig,
  logConfig,
  logSoftmaxConfig,
  matMulConfig,
  matMulAddConfig,
  matMulFoldedConfig,
  maxPoolConfig,
  mulConfig,
  negConfig,
  notConfig,
  orConfig,
  pReluConfig,
  padConfig,
  powConfig,
  rangeConfig,
  reciprocalConfig,
  reduceMaxConfig,
  reduceMeanConfig,
  reduceMinConfig,
  reduceSumConfig,
  reluConfig,
  meanConfig,
  minConfig,
  maxConfig,
  sumConfig,
  reshapeConfig,
  resizeConfig,
  shapeConfig,
  sigmoidConfig,
  sizeConfig,
  sliceConfig,
  softmaxConfig,
  softplusConfig,
  splitConfig,
  sqrtConfig,
  squeezeConfig,
  subConfig,
  tanhConfig,
  tileConfig,
  transposeConfig,
  unsqueezeConfig,
  upsampleConfig,
  whereConfig,
  xorConfig,
];

export function registerAllOps(registry: OpRegistry): OpRegistry {
  for (const c of floatOpConfigs) registry.register(c);
  for (const c of quantOpConfigs) registry.register(c);
  for (const p of graphPatterns as readonly GraphPattern[]) registry.registerPattern(p);
  registry.register(convIntegerToFloatConfig);
  registry.registerPattern(fuseConvIntegerCastPattern);
  // Float epilogue fusions run after the quantized patterns (which claim QDQ convolutions first).
  registry.registerPattern(fuseConvActivationPattern);
  registry.registerPattern(fuseMatMulBiasPattern);
  registry.registerPattern(fuseGemmReluPattern);
  return registry;
}

let shared: OpRegistry | undefined;

/** The registry with every built-in op and pattern (created once, shared by sessions). */
export function defaultRegistry(): OpRegistry {
  shared ??= registerAllOps(createOpRegistry());
  return shared;
}
