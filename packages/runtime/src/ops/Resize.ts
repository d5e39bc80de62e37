import { LATEST_OPSET } from '../op-names.js';
import type { OpConfig, OpContext, PreparedOp } from '../op-registry.js';
import { normalizeAxis, stridesOf } from '../shape-utils.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { requireDims, requireTableSize } from '../shape-checks.js';

// Resize as a separable tensor product of per-axis taps (ONNX reference semantics): every
// output coordinate on every axis gets its input indices (edge-clamped) and weights once per
// plan; zero-weight taps are dropped, so nearest and unscaled axes cost one tap.

interface AxisTaps {
  count: Int32Array; // taps per output coordinate
  start: Int32Array; // offset into idx/w
  idx: Int32Array;
  w: Float64Array;
  outside: Uint8Array; // tf_crop_and_resize extrapolation
}

function coeffsFor(mode: string, ctx: OpContext, antialias: boolean, cubicA: number, nearestMode: string) {
  if (mode === 'nearest') {
    return (ratio: number) => {
      if (ratio === 1) return [0, 1];
      switch (nearestMode) {
        case 'round_prefer_floor': return [ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0];
        case 'round_prefer_ceil': return [ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0];
        case 'floor': return [1, 0];
        case 'ceil': return [0, 1];
        default: return ctx.fail(`nearest_mode '${nearestMode}' is not supported`);
      }
    };
  }
  if (mode === 'linear') {
    if (!antialias) return (ratio: number) => [1 - ratio, ratio];
    return (ratio: number, scale: number) => {
      const s = Math.min(scale, 1);
      const start = Math.floor(-1 / s) + 1;
      const footprint = 2 - 2 * start;
      const c: number[] = [];
      for (let i = 0; i < footprint; i++) c.push(Math.min(Math.max(1 - Math.abs((start + i - ratio) * s), 0), 1));
      const sum = c.reduce((a, b) => a + b, 0);
      return c.map((v) => v / sum);
    };
  }
  if (mode === 'cubic') {
    const A = cubicA;
    if (!antialias) {
      return (r: number) => [
        ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
        ((A + 2) * r - (A + 3)) * r * r + 1,
        ((A + 2) * (1 - r) - (A + 3)) * (1 - r) * (1 - r) + 1,
        ((A * (1 - r + 1) - 5 * A) * (1 - r + 1) + 8 * A) * (1 - r + 1) - 4 * A,
      ];
    }
    const k = (x0: number) => {
      const x = Math.abs(x0);
      if (x <= 1) return (A + 2) * x ** 3 - (A + 3) * x * x + 1;
      if (x < 2) return A * x ** 3 - 5 * A * x * x + 8 * A * x - 4 * A;
      return 0;
    };
    return (ratio: number, scale: number) => {
      const s = Math.min(scale, 1);
      const iStart = Math.floor(-2 / s) + 1;
      const iEnd = 2 - iStart;
      const c: number[] = [];
      for (let i = iStart; i < iEnd; i++) c.push(k(s * (i - ratio)));
      const sum = c.reduce((a, b) => a + b, 0);
      return c.map((v) => v / sum);
    };
  }
  return ctx.fail(`mode '${mode}' is not supported`);
}

export const resizeConfig: OpConfig = {
  opType: 'Resize',
  domain: '',
  minOpset: 10,
  maxOpset: LATEST_OPSET,
  prepare: (ctx) => prepareResize(ctx),
};

/**
 * Upsample (opsets 7–9, removed in 10, still in older exported models): Resize-10 semantics —
 * asymmetric coordinates, nearest rounds down — with scales from the attribute (7–8) or input 1 (9).
 */
export const upsampleConfig: OpConfig = {
  opType: 'Upsample',
  domain: '',
  minOpset: 7,
  maxOpset: 9,
  prepare: (ctx) => prepareResize(ctx, ctx.opset < 9 ? [...ctx.attrs.floats('scales')] : undefined),
};

function prepareResize(ctx: OpContext, attributeScales?: number[]): PreparedOp {
  const x = ctx.input(0);
  if (x.dtype !== 'float32' && x.dtype !== 'float64' && x.dtype !== 'uint8' && x.dtype !== 'int8') ctx.fail(`${x.dtype} input is not supported`);
  const r = x.dims.length;
  const a = ctx.attrs;
  const mode = a.string('mode', 'nearest');
  const legacy = ctx.node.opType === 'Upsample' || ctx.opset < 11;
  const ctm = legacy ? 'asymmetric' : a.string('coordinate_transformation_mode', 'half_pixel');
  const nearestMode = legacy ? 'floor' : a.string('nearest_mode', 'round_prefer_floor');
  const cubicA = a.float('cubic_coeff_a', -0.75);
  const excludeOutside = a.int('exclude_outside', 0) !== 0;
  const extrapolation = a.float('extrapolation_value', 0);
  const antialias = ctx.opset >= 18 && a.int('antialias', 0) !== 0;
  const policy = ctx.opset >= 18 ? a.string('keep_aspect_ratio_policy', 'stretch') : 'stretch';
  const axes = ctx.opset >= 18 && a.has('axes') ? a.ints('axes').map((v) => normalizeAxis(v, r)) : x.dims.map((_, i) => i);

  let scalesIn: number[] | undefined;
  let sizesIn: number[] | undefined;
  let roiIn: number[] | undefined;
  if (attributeScales) scalesIn = attributeScales;
  else if (legacy) scalesIn = toNumbers(ctx.value(1));
  else {
    if (ctx.hasInput(1) && ctx.input(1).dims.some((d) => d > 0)) roiIn = toNumbers(ctx.value(1));
    if (ctx.hasInput(2) && sizeOf(ctx.input(2).dims) > 0) scalesIn = toNumbers(ctx.value(2));
    if (ctx.hasInput(3) && sizeOf(ctx.input(3).dims) > 0) sizesIn = toNumbers(ctx.value(3));
  }
  if (!scalesIn && !sizesIn) ctx.fail('one of scales and sizes is required');
  const scales = new Array<number>(r).fill(1);
  const outDims = [...x.dims];
  if (sizesIn) {
    const want = [...x.dims];
    axes.forEach((ax, i) => (want[ax] = sizesIn![i]));
    axes.forEach((ax) => (scales[ax] = want[ax] / x.dims[ax]));
    if (policy !== 'stretch') {
      const vals = axes.map((ax) => scales[ax]);
      const s = policy === 'not_larger' ? Math.min(...vals) : Math.max(...vals);
      axes.forEach((ax) => {
        scales[ax] = s;
        outDims[ax] = Math.floor(s * x.dims[ax] + 0.5);
      });
    } else axes.forEach((ax) => (outDims[ax] = want[ax]));
  } else {
    axes.forEach((ax, i) => (scales[ax] = scalesIn![i]));
    for (let i = 0; i < r; i++) outDims[i] = Math.floor(scales[i] * x.dims[i]);
  }
  requireDims(ctx, outDims, sizesIn ? 'sizes' : 'scales');
  const roi = new Array<number>(2 * r);
  for (let i = 0; i < r; i++) {
    roi[i] = 0;
    roi[r + i] = 1;
  }
  if (roiIn) axes.forEach((ax, i) => {
    roi[ax] = roiIn![i];
    roi[r + ax] = roiIn![axes.length + i];
  });
  const coeffs = coeffsFor(mode, ctx, antialias, cubicA, nearestMode);

  const taps: AxisTaps[] = [];
  for (let ax = 0; ax < r; ax++) {
    const inW = x.dims[ax];
    const outW = outDims[ax];
    const scale = scales[ax];
    const outputWidth = scale * inW;
    requireTableSize(ctx, outW * coeffs(0.5, scale).length, sizesIn ? 'sizes' : 'scales');
    const count = new Int32Array(outW);
    const start = new Int32Array(outW);
    const outside = new Uint8Array(outW);
    const idx: number[] = [];
    const w: number[] = [];
    for (let o = 0; o < outW; o++) {
      let xo: number;
      switch (ctm) {
        case 'align_corners': xo = outputWidth === 1 ? 0 : (o * (inW - 1)) / (outputWidth - 1); break;
        case 'asymmetric': xo = o / scale; break;
        case 'tf_crop_and_resize': {
          const r0 = roi[ax];
          const r1 = roi[r + ax];
          xo = outputWidth === 1 ? ((r1 - r0) * (inW - 1)) / 2 : (o * (r1 - r0) * (inW - 1)) / (outputWidth - 1);
          xo += r0 * (inW - 1);
          if (xo < 0 || xo > inW - 1) outside[o] = 1;
          break;
        }
        case 'pytorch_half_pixel': xo = outputWidth === 1 ? -0.5 : (o + 0.5) / scale - 0.5; break;
        case 'half_pixel': xo = (o + 0.5) / scale - 0.5; break;
        case 'half_pixel_symmetric': {
          const adjustment = outW / outputWidth;
          const center = inW / 2;
          xo = center * (1 - adjustment) + (o + 0.5) / scale - 0.5;
          break;
        }
        default: return ctx.fail(`coordinate_transformation_mode '${ctm}' is not supported`);
      }
      const ratio = Number.isInteger(xo) ? 1 : xo - Math.floor(xo);
      const c = coeffs(ratio, scale);
      const n = c.length;
      const base = Math.ceil(xo) - n / 2;
      if (excludeOutside) {
        let sum = 0;
        for (let t = 0; t < n; t++) {
          const i = base + t;
          if (i < 0 || i >= inW) c[t] = 0;
          sum += c[t];
        }
        for (let t = 0; t < n; t++) c[t] /= sum;
      }
      start[o] = idx.length;
      for (let t = 0; t < n; t++) {
        if (c[t] === 0) continue;
        idx.push(Math.min(Math.max(base + t, 0), inW - 1));
        w.push(c[t]);
      }
      count[o] = idx.length - start[o];
    }
    taps.push({ count, start, idx: Int32Array.from(idx), w: Float64Array.from(w), outside });
  }
  const inStrides = stridesOf(x.dims);
  const size = sizeOf(outDims);
  const coord = new Int32Array(r);
  const tapCounter = new Int32Array(r);
  const isInt = x.dtype === 'uint8' || x.dtype === 'int8';
  return {
    outputs: [{ dtype: x.dtype, dims: outDims }],
    run(inputs, outputs) {
      const X = inputs[0].data as Float32Array;
      const Y = outputs[0].data as Float32Array;
      coord.fill(0);
      for (let e = 0; e < size; e++) {
        let ext = false;
        for (let ax = 0; ax < r; ax++) if (taps[ax].outside[coord[ax]]) ext = true;
        if (ext) Y[e] = extrapolation;
        else {
          // Sum over the tensor product of taps (odometer over axes).
          tapCounter.fill(0);
          let acc = 0;
          for (;;) {
            let off = 0;
            let wt = 1;
            for (let ax = 0; ax < r; ax++) {
              const t = taps[ax];
              const j = t.start[coord[ax]] + tapCounter[ax];
              off += t.idx[j] * inStrides[ax];
              wt *= t.w[j];
            }
            acc += wt * X[off];
            let ax = r - 1;
            for (; ax >= 0; ax--) {
              if (++tapCounter[ax] < taps[ax].count[coord[ax]]) break;
              tapCounter[ax] = 0;
            }
            if (ax < 0) break;
          }
          Y[e] = isInt ? Math.round(acc) : acc;
        }
        for (let ax = r - 1; ax >= 0; ax--) {
          if (++coord[ax] < outDims[ax]) break;
          coord[ax] = 0;
        }
      }
    },
  };
}
