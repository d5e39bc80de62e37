/**
 * Shallow copy of a bufbuild message that keeps its prototype (proto2 defaults live there) and
 * its own properties (field presence is "own property").
 */
export function shallowClone<T extends object>(msg: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(msg)) as T, msg);
}
