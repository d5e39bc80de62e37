// Quantizer suite (benchmarks/quantizer) → one row per case (time and peak memory; no in-process peer).
import type { QuantizerRow, SuiteMethod } from './types.js';
import { SuiteFormatError, arrayField, isObject, num, str, type Json } from './suite-json.js';

export function quantizerSection(json: Json): SuiteMethod & { rows: QuantizerRow[] } {
  const rows = arrayField('quantizer', json, 'results').map((r, i): QuantizerRow => {
    const seconds = isObject(r) ? num(r.seconds) : undefined;
    if (!isObject(r) || seconds === undefined) throw new SuiteFormatError('quantizer', `results[${i}].seconds`, 'is not a number');
    return {
      case: str(r.case) ?? `case ${i + 1}`,
      params: num(r.params),
      seconds,
      peakMB: num(r.peakBeyondBaselineMB),
      goal: str(r.goal),
      met: typeof r.met === 'boolean' ? r.met : undefined,
    };
  });
  return {
    rounds: 1,
    method: "one run per case in its own child process; peak RSS beyond the process's baseline (Linux VmHWM). No peer runs here (ONNX Runtime's quantizer is Python)",
    rows,
  };
}
