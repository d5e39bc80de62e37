// Streaming error statistics between a float reference tensor and its quantized counterpart.

export interface ErrorSummary {
  /** signal-to-quantization-noise ratio in dB (Infinity when identical) */
  sqnrDb: number;
  /** cosine similarity of the two tensors flattened, −1..1 (1 when both are zero) */
  cosine: number;
  /** largest absolute difference */
  maxAbsError: number;
  /** values compared */
  elements: number;
}

export class ErrorStats {
  private signal = 0;
  private noise = 0;
  private dot = 0;
  private qq = 0;
  private maxAbs = 0;
  private n = 0;

  add(ref: ArrayLike<number>, q: ArrayLike<number>): void {
    const len = Math.min(ref.length, q.length);
    for (let i = 0; i < len; i++) {
      const r = ref[i];
      const v = q[i];
      const d = r - v;
      this.signal += r * r;
      this.noise += d * d;
      this.dot += r * v;
      this.qq += v * v;
      const a = Math.abs(d);
      if (a > this.maxAbs || Number.isNaN(a)) this.maxAbs = a;
    }
    this.n += len;
  }

  summary(): ErrorSummary {
    const sqnrDb = this.noise === 0 ? Infinity : this.signal === 0 ? -Infinity : 10 * Math.log10(this.signal / this.noise);
    const norm = Math.sqrt(this.signal * this.qq);
    const cosine = norm === 0 ? (this.signal === this.qq ? 1 : 0) : Math.max(-1, Math.min(1, this.dot / norm));
    return { sqnrDb, cosine, maxAbsError: this.maxAbs, elements: this.n };
  }
}
