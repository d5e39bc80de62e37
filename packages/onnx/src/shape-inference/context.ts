// What an op's inference rule sees: its node, input types, known constant values, and setters.
import type { Node } from '../ir/node.js';
import type { Dim, Shape, TensorType } from '../ir/types.js';
import { OnnxShapeError, type ValidationIssue } from '../errors.js';

/** Longest integer tensor whose values are propagated. */
export const MAX_TRACKED_VALUES = 64;

/**
 * Known values of small integer tensors (shape arithmetic: Shape → Gather → Concat → Reshape).
 * Entries may be symbolic ('N') or unknown (undefined). `scalar` marks rank-0 tensors.
 */
export interface SymValue {
  values: Dim[];
  scalar: boolean;
}

export class InferContext {
  constructor(
    readonly node: Node,
    /** Opset of the node's domain. */
    readonly opset: number,
    private readonly types: Map<string, TensorType>,
    private readonly values: Map<string, SymValue>,
    readonly outTypes: (TensorType | undefined)[],
    readonly outValues: (SymValue | undefined)[],
    readonly issues: ValidationIssue[],
    readonly where: string,
  ) {}

  get inputCount(): number {
    return this.node.inputs.length;
  }

  hasInput(i: number): boolean {
    return i < this.node.inputs.length && this.node.inputs[i] !== '';
  }

  /** Type of input i, undefined when absent or unknown. */
  input(i: number): TensorType | undefined {
    if (!this.hasInput(i)) return undefined;
    return this.types.get(this.node.inputs[i]);
  }

  shape(i: number): Shape | undefined {
    return this.input(i)?.shape;
  }

  rank(i: number): number | undefined {
    return this.shape(i)?.length;
  }

  elemType(i: number): number | undefined {
    const t = this.input(i)?.elemType;
    return t ? t : undefined;
  }

  /** Known values of input i (small int tensors only). */
  value(i: number): SymValue | undefined {
    if (!this.hasInput(i)) return undefined;
    return this.values.get(this.node.inputs[i]);
  }

  /** Known numeric values of input i, or undefined if any entry is symbolic/unknown. */
  numbers(i: number): number[] | undefined {
    const v = this.value(i);
    if (!v || v.values.some((x) => typeof x !== 'number')) return undefined;
    return v.values as number[];
  }

  setOutput(i: number, elemType: number | undefined, shape?: Shape): void {
    if (i >= this.node.outputs.length || this.node.outputs[i] === '') return;
    // A rule fed missing or contradictory attributes (hostile models) can compute NaN or negative sizes.
    const bad = shape?.find((d) => typeof d === 'number' && !(Number.isSafeInteger(d) && d >= 0));
    if (bad !== undefined) this.fail(`output ${i} would have dimension ${String(bad)} (shape [${shape!.join(', ')}])`);
    this.outTypes[i] = { elemType: elemType ?? 0, shape: shape ? [...shape] : undefined };
  }

  setValue(i: number, values: Dim[], scalar = false): void {
    // Only small tensors are tracked (shape arithmetic); this also bounds what chains of
    // Concat/Tile-like ops on hostile models could build up.
    if (i >= this.node.outputs.length || values.length > MAX_TRACKED_VALUES) return;
    this.outValues[i] = { values, scalar };
  }

  /** Input shapes that cannot work together: throws (caught by the driver in non-strict mode). */
  fail(message: string): never {
    throw new OnnxShapeError(message, this.node.label);
  }

  /** Record a type mismatch; in strict mode the driver turns it into an exception. */
  typeMismatch(message: string): void {
    this.issues.push({ code: 'type-mismatch', message: `${this.node.opType} ${this.node.label}: ${message}`, where: this.where });
  }

  /** Check that the listed inputs (when known) share one element type; returns it. */
  sameType(indices: readonly number[], what = 'inputs'): number | undefined {
    let t: number | undefined;
    let first = -1;
    for (const i of indices) {
      const e = this.elemType(i);
      if (e === undefined) continue;
      if (t === undefined) {
        t = e;
        first = i;
      } else if (e !== t) {
        this.typeMismatch(`${what} ${first} and ${i} have different element types (${t} vs ${e})`);
      }
    }
    return t;
  }

  /** Require input i's type to be one of `allowed` (when known). */
  expectType(i: number, allowed: readonly number[], what: string): void {
    const e = this.elemType(i);
    if (e !== undefined && !allowed.includes(e)) this.typeMismatch(`${what} (input ${i}) has element type ${e}, expected one of ${allowed.join(', ')}`);
  }

  int(name: string, dflt: number): number {
    return this.node.getInt(name, dflt)!;
  }
  ints(name: string): number[] | undefined {
    return this.node.getInts(name);
  }
  string(name: string, dflt: string): string {
    return this.node.getString(name, dflt)!;
  }
}

/** Normalise a possibly negative axis; throws on out of range. */
export function normAxis(ctx: InferContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Product of dims, or undefined if any is not a number. */
export function product(dims: readonly Dim[]): number | undefined {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return undefined;
    p *= d;
  }
  return p;
}

/** Merge two views of one dim: numbers must agree; a number beats a symbol beats unknown. */
export function mergeDim(a: Dim, b: Dim): Dim {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a;
}

/** Multidirectional (numpy) broadcasting; undefined if any rank is unknown. */
export function broadcast(ctx: InferContext, shapes: readonly (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const ss = shapes as Shape[];
  const rank = Math.max(0, ...ss.map((s) => s.length));
  const out: Shape = [];
  for (let k = 0; k < rank; k++) {
    let num: number | undefined;
    const syms = new Set<string>();
    let unknown = false;
    for (const s of ss) {
      const d = s[s.length - rank + k];
      if (s.length - rank + k < 0 || d === 1) continue;
      if (typeof d === 'number') {
        if (num !== undefined && num !== d) ctx.fail(`cannot broadcast dimension ${num} with ${d}`);
        num = d;
      } else if (typeof d === 'string') syms.add(d);
      else unknown = true;
    }
    if (num !== undefined) out.push(num);
    else if (unknown || syms.size > 1) out.push(undefined);
    else if (syms.size === 1) out.push([...syms][0]);
    else out.push(1);
  }
  return out;
}
