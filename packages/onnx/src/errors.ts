/** Base class of every error @octet/onnx throws on purpose. */
export class OnnxError extends Error {
  override name = 'OnnxError';
}

/**
 * Malformed bytes: truncated input, wrong wire types, lengths past the buffer, bad dims,
 * payload sizes that do not match dims. `path` is the field path (e.g.
 * `ModelProto.graph.initializer[3].raw_data`), `offset` the byte offset in the input where the
 * offending field (or tag) starts.
 */
export class OnnxDecodeError extends OnnxError {
  override name = 'OnnxDecodeError';
  constructor(
    readonly reason: string,
    readonly path: string,
    readonly offset: number,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${reason} at ${path} (byte offset ${offset})`);
  }
}

/** Tensor data that cannot be converted (unknown dtype, size mismatch, missing payload). */
export class OnnxTensorError extends OnnxError {
  override name = 'OnnxTensorError';
  constructor(
    message: string,
    readonly tensor?: string,
  ) {
    super(tensor !== undefined ? `tensor '${tensor}': ${message}` : message);
  }
}

/** External data problems: location escapes the model folder, missing file, range past the end. */
export class OnnxExternalDataError extends OnnxError {
  override name = 'OnnxExternalDataError';
  constructor(
    message: string,
    readonly tensor?: string,
    readonly location?: string,
  ) {
    super(`${tensor !== undefined ? `tensor '${tensor}': ` : ''}${message}`);
  }
}

/** One problem found by the validator or the rewrite helpers. */
export interface ValidationIssue {
  /** What kind of problem (stable identifier). */
  code:
    | 'dangling-input'
    | 'duplicate-output'
    | 'cycle'
    | 'type-mismatch'
    | 'missing-output'
    | 'duplicate-name'
    | 'missing-opset'
    | 'bad-attribute'
    | 'shape-mismatch'
    | 'not-topologically-sorted';
  message: string;
  /** Node name or value name the issue is about, with the graph path (`main/If_0:then_branch`). */
  where: string;
}

/** Thrown by `assertValid` and by IR operations that would leave the graph invalid. */
export class OnnxValidationError extends OnnxError {
  override name = 'OnnxValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(
      issues.length === 1
        ? `invalid graph: ${issues[0].message} (${issues[0].where})`
        : `invalid graph, ${issues.length} issues:\n${issues.map((i) => `  - ${i.message} (${i.where})`).join('\n')}`,
    );
  }
}

/** Shape inference found inputs it cannot reconcile (e.g. MatMul inner dims 3 vs 4). */
export class OnnxShapeError extends OnnxError {
  override name = 'OnnxShapeError';
  constructor(
    message: string,
    readonly node?: string,
  ) {
    super(node !== undefined ? `node '${node}': ${message}` : message);
  }
}
