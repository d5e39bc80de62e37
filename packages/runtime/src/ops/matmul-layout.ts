// numpy.matmul shapes for the float and integer MatMul families: 1-D operands promoted and the
// added axis removed, batch axes broadcast, and operands/output possibly viewed through a folded
// Transpose (`octet_perm_a/b/y`). Everything is reduced once, at prepare, to per-batch element
// offsets and the row/column strides of A, B and Y.

import type { OpContext } from '../op-registry.js';
import { broadcastDims, stridesOf } from '../shape-utils.js';
import { sizeOf } from '../tensor.js';

export interface MatMulPerms {
  readonly a?: readonly number[];
  readonly b?: readonly number[];
  readonly y?: readonly number[];
}

export interface MatMulLayout {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** Broadcast batch dims (A's batch dims when B is 2-D). */
  readonly batch: readonly number[];
  /** A's own batch dims (after promotion / permutation). */
  readonly aBatch: readonly number[];
  readonly bBatch: readonly number[];
  readonly outDims: number[];
  readonly batches: number;
  /** Element offsets of each batch's A, B and Y matrices. */
  readonly aOff: Int32Array;
  readonly bOff: Int32Array;
  readonly yOff: Int32Array;
  /** Element strides: A (m, k), B (k, n), Y (m, n). */
  readonly ars: number;
  readonly acs: number;
  readonly brs: number;
  readonly bcs: number;
  readonly ldo: number;
  readonly cso: number;
  /** True when A's batches are one contiguous row-major stack and Y is plain row-major. */
  readonly plain: boolean;
}

/** The `octet_perm_*` attributes a folded Transpose left on the node. */
export function matMulPerms(ctx: OpContext): MatMulPerms {
  const get = (n: string) => (ctx.attrs.has(n) ? ctx.attrs.ints(n) : undefined);
  return { a: get('octet_perm_a'), b: get('octet_perm_b'), y: get('octet_perm_y') };
}

/** dims and element strides of `dims` viewed through `perm` (output axis i = input axis perm[i]). */
function permutedView(ctx: OpContext, dims: readonly number[], perm: readonly number[] | undefined, what: string): { dims: number[]; strides: number[] } {
  const st = stridesOf(dims);
  if (!perm) return { dims: [...dims], strides: st };
  if (perm.length !== dims.length || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) ctx.fail(`${what} perm [${perm.join(', ')}] does not fit rank ${dims.length}`);
  return { dims: perm.map((p) => dims[p]), strides: perm.map((p) => st[p]) };
}

export function matMulLayout(ctx: OpContext, aDims: readonly number[], bDims: readonly number[], perms: MatMulPerms = {}, transposeB = false): MatMulLayout {
  const permuted = perms.a !== undefined || perms.b !== undefined || perms.y !== undefined;
  if (permuted && (transposeB || aDims.length < 2 || bDims.length < 2)) ctx.fail('folded transposes need operands of rank ≥ 2');
  const av = permutedView(ctx, aDims, perms.a, 'A');
  const bv = permutedView(ctx, bDims, perms.b, 'B');
  const ad = aDims.length === 1 ? [1, aDims[0]] : av.dims;
  const aSt = aDims.length === 1 ? [aDims[0], 1] : av.strides;
  let bd = bDims.length === 1 ? [bDims[0], 1] : bv.dims;
  let bSt = bDims.length === 1 ? [1, 1] : bv.strides;
  if (transposeB) {
    if (bd.length !== 2) ctx.fail('transposed B must be 2-D');
    bd = [bd[1], bd[0]];
    bSt = [bSt[1], bSt[0]];
  }
  const M = ad[ad.length - 2];
  const K = ad[ad.length - 1];
  const N = bd[bd.length - 1];
  if (bd[bd.length - 2] !== K) ctx.fail(`shapes [${aDims.join(', ')}] and [${bDims.join(', ')}] do not match (K ${K} vs ${bd[bd.length - 2]})`);
  const ab = ad.slice(0, -2);
  const bb = bd.slice(0, -2);
  const batch = broadcastDims(ab, bb);
  const yDims = [...batch, M, N];
  const yv = permutedView(ctx, yDims, perms.y, 'Y');
  // Element strides of Y's logical axes inside the output (through the folded output transpose).
  const outStrides = stridesOf(yv.dims);
  const yStrides = yDims.map((_, j) => (perms.y ? outStrides[perms.y.indexOf(j)] : outStrides[j]));
  const outDims = [...yv.dims];
  if (aDims.length === 1) outDims.splice(outDims.length - 2, 1);
  if (bDims.length === 1) outDims.splice(outDims.length - 1, 1);

  const batches = sizeOf(batch);
  const aOff = new Int32Array(batches);
  const bOff = new Int32Array(batches);
  const yOff = new Int32Array(batches);
  const bs = stridesOf(batch);
  for (let t = 0; t < batches; t++) {
    let ia = 0;
    let ib = 0;
    let iy = 0;
    let rem = t;
    for (let q = 0; q < batch.length; q++) {
      const c = Math.floor(rem / bs[q]);
      rem -= c * bs[q];
      const qa = q - (batch.length - ab.length);
      const qb = q - (batch.length - bb.length);
      if (qa >= 0 && ab[qa] !== 1) ia += c * aSt[qa];
      if (qb >= 0 && bb[qb] !== 1) ib += c * bSt[qb];
      iy += c * yStrides[q];
    }
    aOff[t] = ia;
    bOff[t] = ib;
    yOff[t] = iy;
  }
  const r = yDims.length;
  const [ars, acs] = [aSt[aSt.length - 2], aSt[aSt.length - 1]];
  const [ldo, cso] = [yStrides[r - 2], yStrides[r - 1]];
  const plain = !perms.a && !perms.y && Array.from(aOff).every((o, t) => o === t * M * K);
  return {
    M, K, N, batch, aBatch: ab, bBatch: bb, outDims, batches, aOff, bOff, yOff,
    ars, acs, brs: bSt[bSt.length - 2], bcs: bSt[bSt.length - 1], ldo, cso, plain,
  };
}
