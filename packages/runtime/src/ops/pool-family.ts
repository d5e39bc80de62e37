import { LATEST_OPSET } from '../op-names.js';
// MaxPool and AveragePool over N spatial axes (kernel, strides, pads, auto_pad, dilations,
// ceil_mode; count_include_pad; MaxPool's optional Indices output).

import type { OpConfig, OpContext, PreparedOp, TensorMeta } from '../op-registry.js';
import { sizeOf } from '../tensor.js';
import { convGeometry } from './conv-geometry.js';
import { globalAveragePoolInto, KeyedPlan, type ChunkPlan } from '@octet/kernels';
import { inputPtr, outputPtr } from './wasm-ptr.js';

function preparePool(ctx: OpContext, kind: 'max' | 'avg'): PreparedOp {
  const x = ctx.input(0);
  if (x.dtype !== 'float32' && x.dtype !== 'float64' && !(kind === 'max' && (x.dtype === 'int8' || x.dtype === 'uint8'))) {
    ctx.fail(`${x.dtype} input is not supported`);
  }
  const [batch, c] = x.dims;
  const inSp = x.dims.slice(2);
  const r = inSp.length;
  const kernel = [...ctx.attrs.ints('kernel_shape')];
  if (kernel.length !== r) ctx.fail(`kernel_shape has ${kernel.length} axes, input has ${r} spatial axes`);
  const ceilMode = ctx.attrs.int('ceil_mode', 0) !== 0;
  const geo = convGeometry(ctx, inSp, kernel, { ceilMode });
  const includePad = kind === 'avg' && ctx.attrs.int('count_include_pad', 0) !== 0;
  const storageOrder = kind === 'max' ? ctx.attrs.int('storage_order', 0) : 0;
  const inPlane = sizeOf(inSp);
  const outPlane = sizeOf(geo.outSpatial);
  const kSize = sizeOf(kernel);
  // Per output position and kernel tap: the input offset, -1 for padding inside the padded
  // extent, -2 outside it (ceil_mode overhang).
  const taps = ctx.workspace('pool-taps', 'int32', outPlane * kSize) as Int32Array;
  const inStridesColMajor: number[] = [];
  {
    let acc = 1;
    for (let i = 0; i < r; i++) {
      inStridesColMajor.push(acc);
      acc *= inSp[i];
    }
  }
  const colMajor = ctx.workspace('pool-colmajor', 'int32', outPlane * kSize) as Int32Array;
  const o = new Array<number>(r);
  const k = new Array<number>(r);
  for (let p = 0; p < outPlane; p++) {
    let rem = p;
    for (let i = r - 1; i >= 0; i--) {
      o[i] = rem % geo.outSpatial[i];
      rem = Math.floor(rem / geo.outSpatial[i]);
    }
    for (let kk = 0; kk < kSize; kk++) {
      let krem = kk;
      for (let i = r - 1; i >= 0; i--) {
        k[i] = krem % kernel[i];
        krem = Math.floor(krem / kernel[i]);
      }
      let off = 0;
      let cm = 0;
      let state = 0; // 0 inside, -1 pad, -2 beyond padded extent
      for (let i = 0; i < r; i++) {
        const v = o[i] * geo.strides[i] - geo.padBegin[i] + k[i] * geo.dilations[i];
        if (v < 0 || v >= inSp[i]) {
          if (v < -geo.padBegin[i] || v >= inSp[i] + geo.padEnd[i]) state = -2;
          else if (state === 0) state = -1;
        }
        off = off * inSp[i] + v;
        cm += v * inStridesColMajor[i];
      }
      taps[p * kSize + kk] = state === 0 ? off : state;
      colMajor[p * kSize + kk] = cm;
    }
  }
  const dims = [batch, c, ...geo.outSpatial];
  const outputs: TensorMeta[] = [{ dtype: x.dtype, dims }];
  if (kind === 'max') outputs.push({ dtype: 'int64', dims });
  return {
    outputs,
    run(inputs, outs) {
      const X = inputs[0].data as Float32Array;
      const Y = outs[0].data as Float32Array;
      const I = outs[1]?.data as BigInt64Array | undefined;
      for (let plane = 0; plane < batch * c; plane++) {
        const xb = plane * inPlane;
        const yb = plane * outPlane;
        for (let p = 0; p < outPlane; p++) {
          const t0 = p * kSize;
          if (kind === 'max') {
            let best = -Infinity;
            let bi = -1;
            for (let kk = 0; kk < kSize; kk++) {
              const t = taps[t0 + kk];
              if (t < 0) continue;
              const v = X[xb + t];
              if (v > best || bi < 0) {
                best = v;
                bi = kk;
              }
            }
            Y[yb + p] = best;
            if (I) I[yb + p] = BigInt(bi < 0 ? -1 : xb + (storageOrder ? colMajor[t0 + bi] : taps[t0 + bi]));
          } else {
            let sum = 0;
            let n = 0;
            for (let kk = 0; kk < kSize; kk++) {
              const t = taps[t0 + kk];
              if (t >= 0) {
                sum += X[xb + t];
                n++;
              } else if (t === -1 && includePad) n++;
            }
            Y[yb + p] = n > 0 ? sum / n : 0;
          }
        }
      }
    },
  };
}

export const maxPoolConfig: OpConfig = {
  opType: 'MaxPool',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => preparePool(ctx, 'max'),
};

export const averagePoolConfig: OpConfig = {
  opType: 'AveragePool',
  domain: '',
  minOpset: 1,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => preparePool(ctx, 'avg'),
};

function globalPool(opType: string, kind: 'max' | 'avg'): OpConfig {
  return {
    opType,
    domain: '',
    minOpset: 1,
    maxOpset: LATEST_OPSET,
    prepare(ctx) {
      const x = ctx.input(0);
      if (x.dtype !== 'float32' && x.dtype !== 'float64') ctx.fail(`${x.dtype} input is not supported`);
      const [batch, c] = x.dims;
      const plane = sizeOf(x.dims.slice(2));
      const outputs = [{ dtype: x.dtype, dims: [batch, c, ...x.dims.slice(2).map(() => 1)] }];
      const k = ctx.kernels;
      if (k && kind === 'avg' && x.dtype === 'float32') {
        // the SIMD kernel (f32 partial sums), split by channel rows across the pool's threads
        const xp = inputPtr(ctx, 0);
        const split = new KeyedPlan<ChunkPlan>();
        return { outputs, run: (inputs, outs) => globalAveragePoolInto(k, xp(inputs[0]), outputPtr(outs[0]), batch * c, plane, split) };
      }
      return {
        outputs,
        run(inputs, outputs) {
          const X = inputs[0].data as Float32Array;
          const Y = outputs[0].data as Float32Array;
          for (let q = 0; q < batch * c; q++) {
            const base = q * plane;
            if (kind === 'avg') {
              let s = 0;
              for (let p = 0; p < plane; p++) s += X[base + p];
              Y[q] = s / plane;
            } else {
              let mx = -Infinity;
              for (let p = 0; p < plane; p++) if (X[base + p] > mx) mx = X[base + p];
              Y[q] = mx;
            }
          }
        },
      };
    },
  };
}

export const globalAveragePoolConfig = globalPool('GlobalAveragePool', 'avg');
export const globalMaxPoolConfig = globalPool('GlobalMaxPool', 'max');
