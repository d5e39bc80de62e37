import type { OptionSpec } from '../args.js';
import { METRICS } from '../metrics.js';

export const threadsOption: OptionSpec = { type: 'string', value: 'N', help: 'threads for the WASM kernels (default 1)', integer: { min: 1, max: 256 } };
export const batchSizeOption: OptionSpec = { type: 'string', value: 'N', help: 'samples per run (default: the whole folder at once)', integer: { min: 1 } };
export const metricOption: OptionSpec = { type: 'string', value: 'M', help: 'task metric', choices: METRICS };
export const jsonOption: OptionSpec = { type: 'boolean', help: 'machine-readable output on stdout, no progress bars' };
