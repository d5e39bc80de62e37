// Quantized op families (QDQ-fused internal ops, QOperator, dynamic, weight-only) register here.
// Owned by the quantized-ops work; see packages/runtime/README.md, "Adding ops".

import type { OpConfig } from '../../op-registry.js';

export const quantOpConfigs: readonly OpConfig[] = [];
