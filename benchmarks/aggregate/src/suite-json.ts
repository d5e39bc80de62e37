// Reading a suite's JSON defensively: suites are owned by different people and grow fields, so
// an adapter takes what it knows and fails with a message naming the missing field otherwise.

export class SuiteFormatError extends Error {
  constructor(suite: string, field: string, what: string) {
    super(`${suite}.json: ${field} ${what}`);
    this.name = 'SuiteFormatError';
  }
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectField(suite: string, json: Json, field: string): Json {
  const v = json[field];
  if (!isObject(v)) throw new SuiteFormatError(suite, field, 'is not an object');
  return v;
}

export function arrayField(suite: string, json: Json, field: string): unknown[] {
  const v = json[field];
  if (!Array.isArray(v)) throw new SuiteFormatError(suite, field, 'is not an array');
  return v;
}

/** A finite number, or undefined (suites write null/undefined for a peer that did not run). */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
