import { LATEST_OPSET } from '../op-names.js';
// Factory for one-input element-wise ops: a member is its math and the dtypes it accepts.

import { KeyedPlan, unaryInto, type ChunkPlan, type UnaryOpName } from '@octet/kernels';
import type { OpConfig, OpContext } from '../op-registry.js';
import type { DType } from '../tensor.js';
import { inputPtr, outputPtr } from './wasm-ptr.js';

export interface UnaryOpSpec {
  opType: string;
  minOpset?: number;
  maxOpset?: number;
  /** Element function for float inputs; may read attributes once via ctx. */
  float?: (ctx: OpContext) => (x: number) => number;
  /** Element function for integer (number-typed) inputs. */
  int?: (ctx: OpContext) => (x: number) => number;
  /** Element function for int64/uint64 inputs. */
  bigint?: (ctx: OpContext) => (x: bigint) => bigint;
  /** Only bool inputs (Not). */
  bool?: (ctx: OpContext) => (x: number) => number;
  /** The WASM SIMD kernel for float32 input, with its two parameters read from the node. */
  wasm?: (ctx: OpContext) => { op: UnaryOpName; p0?: number; p1?: number } | undefined;
}

const FLOAT: ReadonlySet<DType> = new Set(['float32', 'float64']);
const INT: ReadonlySet<DType> = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32']);

export function unaryElementwise(spec: UnaryOpSpec): OpConfig {
  return {
    opType: spec.opType,
    domain: '',
    minOpset: spec.minOpset ?? 1,
    maxOpset: spec.maxOpset ?? LATEST_OPSET,
    prepare(ctx) {
      const x = ctx.input(0);
      const make =
        x.dtype === 'bool'
          ? spec.bool
          : FLOAT.has(x.dtype)
            ? spec.float
            : INT.has(x.dtype)
              ? spec.int
              : x.dtype === 'int64' || x.dtype === 'uint64'
                ? (spec.bigint as UnaryOpSpec['float'])
                : undefined;
      if (!make) ctx.fail(`${spec.opType} does not support ${x.dtype} input`);
      const f = make!(ctx);
      const k = ctx.kernels;
      const w = k && x.dtype === 'float32' ? spec.wasm?.(ctx) : undefined;
      if (k && w) {
        const xp = inputPtr(ctx, 0);
        const n = x.dims.reduce((a, b) => a * b, 1);
        const split = new KeyedPlan<ChunkPlan>();
        return {
          outputs: [{ dtype: x.dtype, dims: x.dims }],
          run: (inputs, outputs) => unaryInto(k, w.op, xp(inputs[0]), outputPtr(outputs[0]), n, w.p0 ?? 0, w.p1 ?? 0, split),
        };
      }
      return {
        outputs: [{ dtype: x.dtype, dims: x.dims }],
        run(inputs, outputs) {
          const a = inputs[0].data as Float32Array;
          const o = outputs[0].data as Float32Array;
          for (let i = 0; i < a.length; i++) o[i] = f(a[i]);
        },
      };
    },
  };
}

/** Same math for every float and integer type. */
export const anyNumber = (f: (x: number) => number) => ({ float: () => f, int: () => f });
