import { LATEST_OPSET } from '../op-names.js';
// Factory for two-input broadcasting element-wise ops (arithmetic, comparison, logic).

import { BINARY_OP, binaryInto, KeyedPlan, planBroadcast as planKernelBroadcast, type BinaryOpName, type ChunkPlan } from '@octet/kernels';
import type { OpConfig } from '../op-registry.js';
import type { DType } from '../tensor.js';
import { broadcastBinary, planBroadcast } from './broadcast.js';
import { inputPtr, outputPtr } from './wasm-ptr.js';

export interface BinaryOpSpec {
  opType: string;
  minOpset?: number;
  maxOpset?: number;
  float?: (a: number, b: number) => number | boolean;
  int?: (a: number, b: number) => number | boolean;
  bigint?: (a: bigint, b: bigint) => bigint | boolean;
  bool?: (a: number, b: number) => number | boolean;
  /** Output dtype is bool (comparisons, logic). */
  boolOutput?: boolean;
  /** Inputs may differ in dtype (Pow: float base, integer exponent). */
  mixedTypes?: boolean;
  /** The WASM SIMD kernel for two float32 inputs. */
  wasm?: BinaryOpName;
}

const FLOAT: ReadonlySet<DType> = new Set(['float32', 'float64']);

function pick(spec: BinaryOpSpec, dtype: DType) {
  if (dtype === 'bool') return spec.bool;
  if (FLOAT.has(dtype)) return spec.float;
  if (dtype === 'int64' || dtype === 'uint64') return spec.bigint as BinaryOpSpec['float'];
  return spec.int;
}

export function binaryElementwise(spec: BinaryOpSpec): OpConfig {
  return {
    opType: spec.opType,
    domain: '',
    minOpset: spec.minOpset ?? 7,
    maxOpset: spec.maxOpset ?? LATEST_OPSET,
    prepare(ctx) {
      const a = ctx.input(0);
      const b = ctx.input(1);
      if (a.dtype !== b.dtype && !spec.mixedTypes) ctx.fail(`input types differ: ${a.dtype} and ${b.dtype}`);
      let f = pick(spec, a.dtype);
      if (!f) ctx.fail(`${spec.opType} does not support ${a.dtype} inputs`);
      if (a.dtype !== b.dtype) {
        // Mixed Pow: compute in numbers; convert bigint operands.
        const g = f!;
        const toNum = (v: number | bigint) => (typeof v === 'bigint' ? Number(v) : v);
        const outBig = a.dtype === 'int64' || a.dtype === 'uint64';
        f = ((x: number, y: number) => {
          const r = (FLOAT.has(a.dtype) ? spec.float! : (spec.int ?? spec.float!))(toNum(x), toNum(y)) as number;
          return outBig ? BigInt(Math.trunc(r)) : r;
        }) as typeof g;
      }
      const plan = planBroadcast([a.dims, b.dims]);
      const k = ctx.kernels;
      const wasmOp = spec.wasm;
      if (k && wasmOp && a.dtype === 'float32' && b.dtype === 'float32' && plan.size > 0) {
        const kplan = planKernelBroadcast(a.dims, b.dims);
        const ap = inputPtr(ctx, 0);
        const bp = inputPtr(ctx, 1);
        if (kplan.outer.length === 0 && !(k.pool && k.pool.size > 1)) {
          // Up to 4 merged dims: one kernel call with the plan's dims and strides (no closure per run).
          const fn = k.exports.f32_binary_wasmsimd;
          const code = BINARY_OP[wasmOp];
          const [d0, d1, d2, d3] = kplan.dims;
          const [a0, a1, a2, a3] = kplan.aStrides;
          const [b0, b1, b2, b3] = kplan.bStrides;
          return {
            outputs: [{ dtype: a.dtype, dims: plan.outDims }],
            run: (inputs, outputs) => {
              fn(code, ap(inputs[0]), bp(inputs[1]), outputPtr(outputs[0]), d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
            },
          };
        }
        // with a pool: binaryInto splits large ones across it (the split cached per node)
        const split = new KeyedPlan<ChunkPlan>();
        return {
          outputs: [{ dtype: a.dtype, dims: plan.outDims }],
          run: (inputs, outputs) => binaryInto(k, wasmOp, ap(inputs[0]), bp(inputs[1]), outputPtr(outputs[0]), kplan, split),
        };
      }
      const fn = f!;
      return {
        outputs: [{ dtype: spec.boolOutput ? 'bool' : a.dtype, dims: plan.outDims }],
        run(inputs, outputs) {
          broadcastBinary(plan, inputs[0].data, inputs[1].data, outputs[0].data, fn);
        },
      };
    },
  };
}
