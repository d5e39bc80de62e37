// Typed errors. Each names what was wrong (node, op, input) so a caller can act on it.

export class OctetRuntimeError extends Error {
  override name = 'OctetRuntimeError';
}

export interface UnsupportedNode {
  nodeName: string;
  opType: string;
  domain: string;
  opset: number;
  reason: string;
}

/** Thrown at session creation, listing every node the runtime cannot execute. */
export class UnsupportedOperatorError extends OctetRuntimeError {
  override name = 'UnsupportedOperatorError';
  constructor(readonly nodes: UnsupportedNode[]) {
    super(
      `unsupported operator${nodes.length > 1 ? 's' : ''}: ` +
        nodes
          .map((n) => `node '${n.nodeName}' ${n.domain || 'ai.onnx'}::${n.opType} (opset ${n.opset}): ${n.reason}`)
          .join('; '),
    );
  }
}

/** The model bytes or graph are malformed (dangling input, cycle, bad initializer…). */
export class InvalidModelError extends OctetRuntimeError {
  override name = 'InvalidModelError';
}

export class MissingFeedError extends OctetRuntimeError {
  override name = 'MissingFeedError';
  constructor(readonly inputName: string) {
    super(`missing feed for model input '${inputName}'`);
  }
}

export class UnknownFeedError extends OctetRuntimeError {
  override name = 'UnknownFeedError';
  constructor(readonly inputName: string, expected: readonly string[]) {
    super(`feed '${inputName}' is not a model input (inputs: ${expected.join(', ')})`);
  }
}

export class FeedTypeError extends OctetRuntimeError {
  override name = 'FeedTypeError';
  constructor(readonly inputName: string, readonly expected: string, readonly actual: string) {
    super(`feed '${inputName}' has type ${actual}, the model expects ${expected}`);
  }
}

export class FeedShapeError extends OctetRuntimeError {
  override name = 'FeedShapeError';
  constructor(readonly inputName: string, message: string) {
    super(`feed '${inputName}': ${message}`);
  }
}

/** An operator failed (bad shapes that only show at run time, out-of-range indices…). */
export class NodeExecutionError extends OctetRuntimeError {
  override name = 'NodeExecutionError';
  constructor(readonly nodeName: string, readonly opType: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const where = `node '${nodeName}' (${opType}): `;
    super(why.startsWith(where) ? why : where + why, { cause }); // a cause that names the node already
  }
}

export class SessionDisposedError extends OctetRuntimeError {
  override name = 'SessionDisposedError';
  constructor() {
    super('session has been disposed');
  }
}

/** Thrown by op code for a wrong input/attribute; the planner wraps it with the node name. */
export class OpError extends OctetRuntimeError {
  override name = 'OpError';
}
