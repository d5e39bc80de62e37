import type { RangeCollector, TensorRange } from './range-collector.js';

const f32 = Math.fround;

/** A histogram with uniform bins over [edges0, edges0 + bins·width]. */
export interface Histogram {
  counts: Float64Array;
  /** bins + 1 float32 edges. */
  edges: Float32Array;
  /** observed signed min / max */
  min: number;
  max: number;
  /** for signed histograms: the symmetric half-range (ORT's `threshold`). */
  threshold: number;
}

function linspaceF32(lo: number, hi: number, bins: number): Float32Array {
  const e = new Float32Array(bins + 1);
  const step = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) e[i] = lo + i * step;
  e[bins] = hi;
  return e;
}

/** numpy.histogram with uniform bins over [lo, hi]: values outside are ignored, the last bin is closed. */
function accumulate(counts: Float64Array, data: ArrayLike<number>, lo: number, hi: number, abs: boolean, offset = 0): void {
  const bins = counts.length - offset;
  if (!(hi > lo)) {
    return;
  }
  const norm = bins / (hi - lo);
  for (let i = 0; i < data.length; i++) {
    let v = data[i];
    if (v !== v) continue;
    if (abs) v = Math.abs(v);
    if (v < lo || v > hi) continue;
    let k = Math.floor((v - lo) * norm);
    if (k >= bins) k = bins - 1;
    counts[offset + k]++;
  }
}

export interface HistogramOptions {
  /** 'value': signed histogram over ±threshold (entropy, mse, asymmetric percentile); 'absolute': histogram of |x|. */
  kind: 'value' | 'absolute';
  bins: number;
}

/**
 * ONNX Runtime's HistogramCollector (collect_value / collect_absolute_value with merge_histogram),
 * fed one batch at a time: when a batch exceeds the current range, the histogram grows by whole
 * bins of the old width so old counts stay aligned.
 */
export class HistogramCollectorBase {
  protected readonly hists = new Map<string, Histogram>();
  constructor(protected readonly hopts: HistogramOptions) {}

  observe(name: string, data: Float32Array): void {
    let lo = Infinity;
    let hi = -Infinity;
    let amin = Infinity;
    let amax = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v !== v) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      const a = Math.abs(v);
      if (a < amin) amin = a;
      if (a > amax) amax = a;
    }
    if (lo === Infinity) return;
    if (this.hopts.kind === 'absolute') this.observeAbsolute(name, data, lo, hi, amin, amax);
    else this.observeValue(name, data, lo, hi);
  }

  private observeAbsolute(name: string, data: Float32Array, lo: number, hi: number, amin: number, amax: number) {
    const old = this.hists.get(name);
    if (!old) {
      let a = amin;
      let b = amax;
      if (a === b) {
        a -= 0.5;
        b += 0.5;
      }
      const counts = new Float64Array(this.hopts.bins);
      const edges = linspaceF32(a, b, this.hopts.bins);
      accumulate(counts, data, edges[0], edges[edges.length - 1], true);
      this.hists.set(name, { counts, edges, min: lo, max: hi, threshold: b });
      return;
    }
    let { counts, edges } = old;
    if (amax > edges[edges.length - 1]) {
      const width = edges[1] - edges[0];
      const last = edges[edges.length - 1];
      const extra = Math.max(1, Math.ceil((amax - last) / width));
      const e2 = new Float32Array(edges.length + extra);
      e2.set(edges);
      for (let i = 1; i <= extra; i++) e2[edges.length - 1 + i] = f32(last + i * width);
      const c2 = new Float64Array(counts.length + extra);
      c2.set(counts);
      edges = e2;
      counts = c2;
    }
    accumulate(counts, data, edges[0], edges[edges.length - 1], true);
    this.hists.set(name, { counts, edges, min: Math.min(old.min, lo), max: Math.max(old.max, hi), threshold: edges[edges.length - 1] });
  }

  private observeValue(name: string, data: Float32Array, lo: number, hi: number) {
    const threshold = f32(Math.max(Math.abs(lo), Math.abs(hi)));
    const old = this.hists.get(name);
    if (!old) {
      const counts = new Float64Array(this.hopts.bins);
      accumulate(counts, data, -threshold, threshold, false);
      this.hists.set(name, { counts, edges: linspaceF32(-threshold, threshold, this.hopts.bins), min: lo, max: hi, threshold });
      return;
    }
    const min = Math.min(old.min, lo);
    const max = Math.max(old.max, hi);
    if (threshold <= old.threshold) {
      accumulate(old.counts, data, -old.threshold, old.threshold, false);
      old.min = min;
      old.max = max;
      return;
    }
    const oldBins = old.counts.length;
    if (old.threshold === 0) {
      const counts = new Float64Array(oldBins);
      accumulate(counts, data, -threshold, threshold, false);
      for (let i = 0; i < oldBins; i++) counts[i] += old.counts[i];
      this.hists.set(name, { counts, edges: linspaceF32(-threshold, threshold, oldBins), min, max, threshold });
      return;
    }
    const stride = (2 * old.threshold) / oldBins;
    const half = Math.floor((threshold - old.threshold) / stride) + 1;
    const newBins = oldBins + 2 * half;
    const newThreshold = f32(half * stride + old.threshold);
    let counts = new Float64Array(newBins);
    accumulate(counts, data, -newThreshold, newThreshold, false);
    for (let i = 0; i < oldBins; i++) counts[half + i] += old.counts[i];
    // Keep memory and the entropy search bounded: halve the resolution when the range has grown a lot
    // (bins pair up exactly since the count is even and symmetric around zero).
    while (counts.length > 2 * this.hopts.bins && counts.length % 4 === 0) {
      const c2 = new Float64Array(counts.length / 2);
      for (let i = 0; i < c2.length; i++) c2[i] = counts[2 * i] + counts[2 * i + 1];
      counts = c2;
    }
    this.hists.set(name, { counts, edges: linspaceF32(-newThreshold, newThreshold, counts.length), min, max, threshold: newThreshold });
  }

  histograms(): ReadonlyMap<string, Histogram> {
    return this.hists;
  }
}

/** numpy.searchsorted(cdf, v, side='left'): first index with cdf[i] >= v. */
function searchSorted(cdf: Float64Array, v: number): number {
  let a = 0;
  let b = cdf.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (cdf[m] < v) a = m + 1;
    else b = m;
  }
  return a;
}

function cumulative(counts: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  const cdf = new Float64Array(counts.length);
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i] / total;
    cdf[i] = acc;
  }
  return cdf;
}

/** ONNX Runtime's Percentile calibration (default 99.999, 2048 bins, symmetric = histogram of |x|). */
export class PercentileCollector extends HistogramCollectorBase implements RangeCollector {
  constructor(private readonly opts: { percentile?: number; symmetric?: boolean; bins?: number } = {}) {
    super({ kind: (opts.symmetric ?? true) ? 'absolute' : 'value', bins: opts.bins ?? 2048 });
  }

  ranges(): Map<string, TensorRange> {
    const p = this.opts.percentile ?? 99.999;
    if (p < 0 || p > 100) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
    const out = new Map<string, TensorRange>();
    for (const [name, h] of this.hists) {
      const cdf = cumulative(h.counts);
      let lo: number;
      let hi: number;
      if (this.hopts.kind === 'absolute') {
        const idx = Math.min(searchSorted(cdf, p / 100), h.edges.length - 1);
        hi = h.edges[idx];
        lo = -hi;
      } else {
        const cut = (100 - p) / 200;
        hi = h.edges[Math.min(searchSorted(cdf, 1 - cut), h.edges.length - 1)];
        lo = h.edges[Math.min(searchSorted(cdf, cut), h.edges.length - 1)];
      }
      if (lo < h.min) lo = h.min;
      if (hi > h.max) hi = h.max;
      out.set(name, { min: lo, max: hi });
    }
    return out;
  }
}

/** ORT's smooth_distribution: move eps mass onto empty bins. Returns null when p is all zero. */
function smooth(p: Float64Array, eps = 0.0001): Float64Array | null {
  let zeros = 0;
  for (const v of p) if (v === 0) zeros++;
  const nonzeros = p.length - zeros;
  if (!nonzeros) return null;
  const eps1 = (eps * zeros) / nonzeros;
  if (eps1 >= 1) return null;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = f32(p[i] === 0 ? p[i] + eps : p[i] - eps1);
  return out;
}

/**
 * KL(smooth(p) ‖ smooth(q)) over the first `len` entries without allocating: smoothing moves eps
 * onto empty bins and takes it evenly from the others, which leaves each total unchanged.
 */
function klSmoothed(p: Float64Array, q: Float64Array, len: number, eps = 0.0001): number {
  let zp = 0;
  let zq = 0;
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < len; i++) {
    if (p[i] === 0) zp++;
    if (q[i] === 0) zq++;
    sp += p[i];
    sq += q[i];
  }
  if (zp === len || zq === len) return Infinity;
  const e1p = (eps * zp) / (len - zp);
  const e1q = (eps * zq) / (len - zq);
  if (e1p >= 1 || e1q >= 1) return Infinity;
  let kl = 0;
  for (let i = 0; i < len; i++) {
    const a = (p[i] === 0 ? eps : p[i] - e1p) / sp;
    const b = (q[i] === 0 ? eps : q[i] - e1q) / sq;
    kl += a * Math.log(a / b);
  }
  return kl;
}

/**
 * ONNX Runtime's `get_entropy_threshold`: for each symmetric window around the zero bin,
 * build the clipped reference distribution p and its `quantizedBins`-level approximation q, and
 * keep the window with the least KL(p‖q).
 */
export function entropyThreshold(h: Histogram, quantizedBins: number): TensorRange {
  if (h.min >= 0) return entropyThresholdOneSided(h, quantizedBins * 2);
  const hist = h.counts;
  const n = hist.length;
  const zero = Math.floor(n / 2);
  const halfQ = Math.floor(quantizedBins / 2);
  let best = Infinity;
  let bestRange: TensorRange = { min: h.edges[0], max: h.edges[n] };
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + hist[i];
  const pBuf = new Float64Array(n);
  const qBuf = new Float64Array(n);
  const step = Math.max(1, Math.floor((zero - halfQ) / 512)); // at most ~512 candidate windows
  for (let i = halfQ; i <= zero; i = i === zero ? zero + 1 : Math.min(zero, i + step)) {
    const start = zero - i;
    const end = Math.min(zero + i + 1, n);
    const len = end - start;
    const p = pBuf;
    for (let k = 0; k < len; k++) p[k] = hist[start + k];
    p[0] += prefix[start];
    p[len - 1] += prefix[n] - prefix[end];
    const merged = Math.floor(len / quantizedBins);
    if (merged === 0) continue;
    const qb = new Float64Array(quantizedBins);
    for (let j = 0; j < quantizedBins; j++) {
      let s = 0;
      for (let k = j * merged; k < (j + 1) * merged; k++) s += hist[start + k];
      qb[j] = s;
    }
    for (let k = quantizedBins * merged; k < len; k++) qb[quantizedBins - 1] += hist[start + k];
    const q = qBuf;
    q.fill(0, 0, len);
    for (let j = 0; j < quantizedBins; j++) {
      const a = j * merged;
      const b = a + merged;
      let norm = 0;
      for (let k = a; k < b; k++) if (p[k] !== 0) norm++;
      if (norm !== 0) {
        const v = Math.trunc(qb[j] / norm); // ORT assigns into an int64 array
        for (let k = a; k < b; k++) q[k] = v;
      }
    }
    const div = klSmoothed(p, q, len);
    if (div < best) {
      best = div;
      bestRange = { min: h.edges[start], max: h.edges[end] };
    }
  }
  let { min, max } = bestRange;
  if (min < h.min) min = h.min;
  if (max > h.max) max = h.max;
  return { min, max };
}

/** KL search over windows [0, T] for non-negative tensors (ReLU outputs): all levels go to one side. */
function entropyThresholdOneSided(h: Histogram, quantizedBins: number): TensorRange {
  const n = h.counts.length;
  const zero = Math.floor(n / 2);
  const pos = h.counts.subarray(zero);
  const m = pos.length;
  const total = pos.reduce((a, b) => a + b, 0);
  let best = Infinity;
  let bestEnd = m;
  const pBuf = new Float64Array(m);
  const qBuf = new Float64Array(m);
  const first = Math.min(quantizedBins, m);
  const step = Math.max(1, Math.floor((m - first) / 512)); // at most ~512 candidate windows
  for (let end = first; end <= m; end = end === m ? m + 1 : Math.min(m, end + step)) {
    const p = pBuf;
    let tail = 0;
    for (let k = 0; k < m; k++) {
      if (k < end) p[k] = pos[k];
      else tail += pos[k];
    }
    p[end - 1] += tail;
    const q = qBuf;
    q.fill(0, 0, end);
    const per = end / quantizedBins;
    for (let j = 0; j < quantizedBins; j++) {
      const a = Math.floor(j * per);
      const b = j === quantizedBins - 1 ? end : Math.floor((j + 1) * per);
      let sum = 0;
      let nz = 0;
      for (let k = a; k < b; k++) {
        sum += pos[k];
        if (p[k] !== 0) nz++;
      }
      if (nz) for (let k = a; k < b; k++) if (p[k] !== 0) q[k] = sum / nz;
    }
    const div = klSmoothed(p, q, end);
    if (div < best) {
      best = div;
      bestEnd = end;
    }
  }
  void total;
  let max = h.edges[zero + bestEnd];
  if (max > h.max) max = h.max;
  return { min: h.min, max };
}

/**
 * Entropy (KL) calibration. ONNX Runtime defaults to 128 bins and 128 quantized bins, which
 * leaves a single candidate window; Octet defaults to 2048 bins and 256 quantized bins (the levels
 * of an 8-bit activation) so the search is real, and searches [0, T] for non-negative tensors.
 */
export class EntropyCollector extends HistogramCollectorBase implements RangeCollector {
  constructor(private readonly opts: { bins?: number; quantizedBins?: number } = {}) {
    super({ kind: 'value', bins: opts.bins ?? 2048 });
  }
  ranges(): Map<string, TensorRange> {
    const out = new Map<string, TensorRange>();
    for (const [name, h] of this.hists) out.set(name, entropyThreshold(h, this.opts.quantizedBins ?? 256));
    return out;
  }
}

/**
 * Expected squared quantization error of a histogram under an asymmetric uniform quantizer over
 * [lo, hi] with `levels` steps: values inside are rounded (error ≈ step²/12 per value), values
 * outside are clipped to the nearest end (error: the distance to it).
 */
export function histogramMse(h: Histogram, lo: number, hi: number, levels: number): number {
  const step = (hi - lo) / levels;
  if (!(step > 0)) return Infinity;
  const rounding = (step * step) / 12;
  let err = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i];
    if (!c) continue;
    const x = (h.edges[i] + h.edges[i + 1]) / 2;
    if (x < lo) err += c * (lo - x) ** 2;
    else if (x > hi) err += c * (x - hi) ** 2;
    else err += c * rounding;
  }
  return err;
}

/**
 * MSE calibration: the range with the least expected error, found by coordinate descent — each
 * end in turn moved over a fine grid from the observed extreme towards 0 (1/`steps` apart) with
 * the other end fixed, until neither end moves. Each end gets its own optimum, which a joint
 * coarse grid misses on one-sided (post-Relu/Clip) and skewed tensors.
 */
export class MseCollector extends HistogramCollectorBase implements RangeCollector {
  constructor(private readonly opts: { bins?: number; levels?: number; steps?: number } = {}) {
    super({ kind: 'value', bins: opts.bins ?? 2048 });
  }
  ranges(): Map<string, TensorRange> {
    const out = new Map<string, TensorRange>();
    const levels = this.opts.levels ?? 255;
    const steps = this.opts.steps ?? 400;
    for (const [name, h] of this.hists) {
      const lo0 = Math.min(h.min, 0);
      const hi0 = Math.max(h.max, 0);
      let lo = lo0;
      let hi = hi0;
      let best = histogramMse(h, lo, hi, levels);
      for (let round = 0; round < 8; round++) {
        let moved = false;
        for (const side of [1, -1]) {
          const extreme = side > 0 ? hi0 : lo0;
          if (extreme === 0) continue;
          for (let s = 1; s < steps; s++) {
            const v = extreme * (1 - s / steps);
            const e = side > 0 ? histogramMse(h, lo, v, levels) : histogramMse(h, v, hi, levels);
            if (e < best) {
              best = e;
              if (side > 0) hi = v;
              else lo = v;
              moved = true;
            }
          }
        }
        if (!moved) break;
      }
      out.set(name, { min: lo === lo0 ? h.min : f32(lo), max: hi === hi0 ? h.max : f32(hi) });
    }
    return out;
  }
}
