// Where external data may live: relative paths inside the model's folder, nothing else.
import { OnnxExternalDataError } from './errors.js';

/** Why `location` is not acceptable, or undefined when it is. */
export function locationProblem(location: string): string | undefined {
  if (!location) return 'external data location is empty';
  if (location.includes('\0')) return 'external data location contains a NUL byte';
  if (/^[\\/]/.test(location) || /^[a-zA-Z]:/.test(location)) {
    return `external data location '${location}' is absolute; it must be relative to the model's folder`;
  }
  if (location.split(/[\\/]+/).some((p) => p === '..')) return `external data location '${location}' leaves the model's folder ('..')`;
  return undefined;
}

/**
 * Reject locations that could leave the model's folder: absolute paths (POSIX, Windows drive or
 * UNC), `..` segments, empty names, NUL bytes. Returns the location with '/' separators.
 */
export function checkExternalLocation(location: string, tensor?: string): string {
  const problem = locationProblem(location);
  if (problem) throw new OnnxExternalDataError(problem, tensor, location);
  return location
    .split(/[\\/]+/)
    .filter((p) => p !== '.' && p !== '')
    .join('/');
}
