// The runtime's own flat view of a model: what the planner needs and nothing more.
// Built from @octet/onnx's decoded model by `model-from-onnx.ts`; graph patterns
// (e.g. QDQ fusion) rewrite it before compilation.

import type { DType, Tensor } from './tensor.js';

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'graph'; value: unknown }
  | { kind: 'unsupported'; type: string };

export interface GraphNode {
  name: string;
  opType: string;
  domain: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

/** A dimension: a fixed size, a symbolic name, or unknown (null). */
export type Dim = number | string | null;

export interface ValueInfo {
  name: string;
  /** undefined when the element type is not one the runtime computes with (elemType keeps the ONNX code). */
  dtype: DType | undefined;
  elemType: number;
  dims: Dim[] | undefined;
}

export interface RuntimeGraph {
  /** domain ('' for ai.onnx) → opset version. */
  opsets: Map<string, number>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
  nodes: GraphNode[];
}

export function opsetOf(graph: RuntimeGraph, domain: string): number {
  const d = domain === 'ai.onnx' ? '' : domain;
  return graph.opsets.get(d) ?? (d === '' ? 1 : 1);
}
