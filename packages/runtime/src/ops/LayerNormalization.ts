import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { broadcastDims, normalizeAxis, sameDims } from '../shape-utils.js';
import { broadcastBinary, planBroadcast } from './broadcast.js';
import { binaryInto, KeyedPlan, layerNormInto, planBroadcast as planKernelBroadcast, type ChunkPlan } from '@octet/kernels';
import { sizeOf } from '../tensor.js';
import { inputPtr, outputPtr } from './wasm-ptr.js';

// Y = (X − mean) / sqrt(var + ε) · scale + bias over the axes from `axis` to the end;
// optional outputs Mean and InvStdDev (shape: X's with normalised axes set to 1).
export const layerNormalizationConfig: OpConfig = {
  opType: 'LayerNormalization',
  domain: '',
  minOpset: 17,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareLayerNorm(ctx, false),
};

/**
 * ai.octet AddLayerNormalization (emitted by the fuse-add-layernorm pattern): LayerNormalization of
 * A + B, inputs [A, B, scale, bias?], LayerNormalization's attributes, output Y only. Same-shape
 * float32 operands run the residual LayerNorm kernel (the sum never goes through memory on its
 * own); broadcasting operands go through the binary kernel into a scratch buffer first (TS without
 * kernels). Either way bit-identical to Add then LayerNorm.
 */
export const addLayerNormalizationConfig: OpConfig = {
  opType: 'AddLayerNormalization',
  domain: 'ai.octet',
  minOpset: 1,
  maxOpset: 1,
  prepare: (ctx) => prepareLayerNorm(ctx, true),
};

function prepareLayerNorm(ctx: OpContext, residual: boolean): PreparedOp {
  const x = ctx.input(0);
  const first = residual ? 1 : 0; // index of the last operand before scale and bias
  const other = residual ? ctx.input(1) : x;
  if (x.dtype !== 'float32' && x.dtype !== 'float64') ctx.fail(`${x.dtype} input is not supported`);
  if (other.dtype !== x.dtype) ctx.fail(`operand types differ: ${x.dtype} and ${other.dtype}`);
  const same = !residual || sameDims(x.dims, other.dims);
  const dims = same ? [...x.dims] : broadcastDims(x.dims, other.dims);
  const r = dims.length;
  const axis = normalizeAxis(ctx.attrs.int('axis', -1), r);
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const n = sizeOf(dims.slice(axis));
  const rows = sizeOf(dims.slice(0, axis));
  const scaleDims = ctx.input(first + 1).dims;
  const scaleSize = sizeOf(scaleDims);
  const hasBias = ctx.hasInput(first + 2);
  const biasSize = hasBias ? sizeOf(ctx.input(first + 2).dims) : 0;
  // Scale/bias broadcast to the normalised block; full-size (n) is the common case.
  if (n % Math.max(scaleSize, 1) !== 0 || (hasBias && n % Math.max(biasSize, 1) !== 0)) {
    ctx.fail(`scale [${scaleDims.join(', ')}] does not broadcast to the normalised shape [${dims.slice(axis).join(', ')}]`);
  }
  const statDims = dims.map((d, i) => (i < axis ? d : 1));
  const stash = ctx.attrs.int('stash_type', 1);
  const statType = stash === 1 ? 'float32' : x.dtype;
  const kern = ctx.kernels;
  if (kern && x.dtype === 'float32' && scaleSize === n && (!hasBias || biasSize === n)) {
    const xp = inputPtr(ctx, 0);
    const rp = residual ? inputPtr(ctx, 1) : undefined;
    const sp = inputPtr(ctx, first + 1);
    const bp = hasBias ? inputPtr(ctx, first + 2) : undefined;
    // broadcasting operands: the binary kernel adds them into this node's scratch first
    const plan = same ? undefined : planKernelBroadcast(x.dims, other.dims);
    const sumPtr = plan ? ctx.scratchPtr('sum', sizeOf(dims) * 4) : 0;
    const split = new KeyedPlan<ChunkPlan>();
    const normSplit = new KeyedPlan<ChunkPlan>();
    // one argument object per node, refilled each run
    const args = { x: 0, y: 0, rows, n, gamma: 0, beta: 0, epsilon: eps, mean: 0, invStdDev: 0, residual: 0 };
    return {
      outputs: [{ dtype: 'float32', dims }, { dtype: 'float32', dims: statDims }, { dtype: 'float32', dims: statDims }],
      run: (inputs, outputs) => {
        if (plan) binaryInto(kern, 'add', xp(inputs[0]), rp!(inputs[1]), sumPtr, plan, split);
        args.x = plan ? sumPtr : xp(inputs[0]);
        args.residual = rp && !plan ? rp(inputs[1]) : 0;
        args.y = outputPtr(outputs[0]);
        args.gamma = sp(inputs[first + 1]);
        args.beta = bp ? bp(inputs[first + 2]) : 0;
        args.mean = outputs[1] ? outputPtr(outputs[1]) : 0;
        args.invStdDev = outputs[2] ? outputPtr(outputs[2]) : 0;
        layerNormInto(kern, args, normSplit);
      },
    };
  }
  // TS path; a residual is first added (with broadcasting, as the unfused Add) into a buffer of this node's
  const addPlan = residual ? planBroadcast([x.dims, other.dims]) : undefined;
  const sum = addPlan ? (x.dtype === 'float32' ? new Float32Array(addPlan.size) : new Float64Array(addPlan.size)) : undefined;
  return {
    outputs: [{ dtype: x.dtype, dims }, { dtype: statType, dims: statDims }, { dtype: statType, dims: statDims }],
    run(inputs, outputs) {
      let a = inputs[0].data as Float32Array | Float64Array;
      if (addPlan && sum) {
        broadcastBinary(addPlan, a, inputs[1].data, sum, add);
        a = sum;
      }
      const s = inputs[first + 1].data as Float32Array;
      const b = hasBias ? (inputs[first + 2].data as Float32Array) : undefined;
      const o = outputs[0].data as Float32Array;
      const meanOut = outputs[1]?.data as Float32Array | undefined;
      const invOut = outputs[2]?.data as Float32Array | undefined;
      for (let row = 0; row < rows; row++) {
        const base = row * n;
        let mean = 0;
        for (let k = 0; k < n; k++) mean += a[base + k];
        mean /= n;
        let v = 0;
        for (let k = 0; k < n; k++) {
          const d = a[base + k] - mean;
          v += d * d;
        }
        const inv = 1 / Math.sqrt(v / n + eps);
        if (meanOut) meanOut[row] = mean;
        if (invOut) invOut[row] = inv;
        if (b) for (let k = 0; k < n; k++) o[base + k] = (a[base + k] - mean) * inv * s[k % scaleSize] + b[k % biasSize];
        else for (let k = 0; k < n; k++) o[base + k] = (a[base + k] - mean) * inv * s[k % scaleSize];
      }
    },
  };
}

const add = (p: number, q: number) => p + q;
