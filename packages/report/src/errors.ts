/** Thrown when the report data is malformed; `path` names the offending field, e.g. `outputs[0].quantized`. */
export class ReportDataError extends Error {
  override readonly name = 'ReportDataError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`report data: ${path}: ${detail}`);
  }
}
