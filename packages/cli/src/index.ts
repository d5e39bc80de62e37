// @octet/cli — the `octet` command, and the pieces other tools reuse (data folders, metrics).
export { main } from './main.js';
export type { CliIo } from './io.js';
export { bufferIo, processIo } from './io.js';
export { UsageError, CliError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors.js';
export { summarizeModel, type ModelSummary, type QuantizedNode, type QuantScheme, type IoSummary } from './model-summary.js';
export { readDataFolder, readDataPart, dataParts, batchesOf, sliceSamples, readTensorFile, type DataTensor, type DataPart, type Batch, type ReadDataOptions } from './data-folder.js';
export { MetricAccumulator, METRICS, higherIsBetter, type MetricName } from './metrics.js';
export { evaluateModel, type Evaluation, type EvaluateOptions } from './evaluate.js';
export { createOctetExecutor } from './octet-executor.js';
export { latencyStats, type LatencyStats } from './latency.js';
