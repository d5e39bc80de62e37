// Graph patterns applied at session creation, in this order (e.g. QDQ → integer-kernel fusion).
// Owned by the quantized-ops work; see packages/runtime/README.md, "Adding ops".

import type { GraphPattern } from '../op-registry.js';
import { dqMatMulNBitsPattern } from './dq-matmul-nbits.js';
import { dynamicMatMulPattern } from './dynamic-matmul.js';
import { fuseDynamicQuantizeMatMulPattern } from './fuse-dynamic-quantize-matmul.js';
import { fuseAttentionSoftmaxPattern } from './fuse-attention-softmax.js';
import { foldTransposeMatMulPattern } from './fold-transpose-matmul.js';
import { fuseGeluPattern } from './fuse-gelu.js';
import { fuseAddLayerNormPattern } from './fuse-add-layernorm.js';
import { qdqFusionPattern } from './qdq-fusion.js';
import { qdqLookupChainPattern } from './qdq-lookup-chain.js';
import { qdqLookupSubgraphPattern } from './qdq-lookup-subgraph.js';

export const graphPatterns: readonly GraphPattern[] = [dqMatMulNBitsPattern, qdqFusionPattern, qdqLookupChainPattern, fuseAttentionSoftmaxPattern, qdqLookupSubgraphPattern, dynamicMatMulPattern, foldTransposeMatMulPattern, fuseDynamicQuantizeMatMulPattern, fuseGeluPattern, fuseAddLayerNormPattern];
