// @octet/cli — the `octet` command, and the pieces other tools reuse (data folders, metrics).
export { main } from './main.js';
export type { CliIo } from './io.js';
export { bufferIo, processIo } from './io.js';
export { UsageError, CliError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors.js';
export { summarizeModel, type ModelSummary, type QuantizedNode, type QuantScheme, type IoSummary } from './model-summary.js';
