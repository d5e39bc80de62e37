import { OpError } from './errors.js';
import type { AttributeValue, GraphNode } from './graph.js';
import type { Attributes } from './op-registry.js';
import type { Tensor } from './tensor.js';

export function attributesOf(node: GraphNode): Attributes {
  const get = (name: string, kind: AttributeValue['kind']): { value: unknown } | undefined => {
    const a = node.attributes.get(name);
    if (a === undefined) return undefined;
    if (a.kind !== kind) {
      throw new OpError(`node '${node.name}' (${node.opType}): attribute '${name}' is ${a.kind}, expected ${kind}`);
    }
    return a as { value: unknown };
  };
  const missing = (name: string): never => {
    throw new OpError(`node '${node.name}' (${node.opType}): required attribute '${name}' is missing`);
  };
  return {
    has: (name) => node.attributes.has(name),
    int(name, fallback) {
      const a = get(name, 'int');
      if (a) return a.value as number;
      return fallback ?? missing(name);
    },
    float(name, fallback) {
      const a = node.attributes.get(name);
      // Some exporters write integral values for float attributes.
      if (a && (a.kind === 'float' || a.kind === 'int')) return a.value;
      if (a) get(name, 'float');
      return fallback ?? missing(name);
    },
    string(name, fallback) {
      const a = get(name, 'string');
      if (a) return a.value as string;
      return fallback ?? missing(name);
    },
    ints(name, fallback) {
      const a = get(name, 'ints');
      if (a) return a.value as number[];
      return fallback ?? missing(name);
    },
    floats(name, fallback) {
      const a = get(name, 'floats');
      if (a) return a.value as number[];
      return fallback ?? missing(name);
    },
    tensor(name) {
      const a = get(name, 'tensor');
      return a ? (a.value as Tensor) : undefined;
    },
  };
}
