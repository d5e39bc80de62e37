// Automatic fallback: find the activation tensors whose quantization breaks the model, using the
// calibration data only, and keep them in float.
//
// One pass = one run of the float model and of the candidate quantized model over a calibration
// subset, observing every quantized tensor. The error a tensor adds is its accumulated SQNR drop
// relative to the inputs of the node that produced it; the worst offender goes back to float, and
// the change is kept only if the model's output SQNR improves. Rounds stop at the target SQNR.
import { clone, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import type { CalibrationResult } from './calibration/calibrate.js';
import { batches, type CalibrationData } from './calibration/data.js';
import { runAll, type Feeds, type HostTensor, type ModelExecutor } from './executor/executor.js';
import { GraphIndex } from './model/graph.js';
import { insertQdq, type QdqOptions, type QdqResult } from './modes/qdq.js';
import type { QuantizeOptions } from './options.js';

export interface FallbackResult {
  floatTensors: Set<string>;
  /** the quantized model for `floatTensors`, already built (saves rebuilding it) */
  built?: { model: ModelProto; result: QdqResult };
  fallback: { tensor: string; sqnrDb: number }[];
  outputSqnrDb?: { before: number; after: number };
}

class Sqnr {
  signal = 0;
  noise = 0;
  add(ref: Float32Array, q: Float32Array) {
    for (let i = 0; i < ref.length; i++) {
      this.signal += ref[i] * ref[i];
      const d = ref[i] - q[i];
      this.noise += d * d;
    }
  }
  get db(): number {
    if (this.noise === 0) return 200;
    if (this.signal === 0) return -200;
    return 10 * Math.log10(this.signal / this.noise);
  }
}

async function collectFeeds(data: CalibrationData, limit: number, batchSize: number): Promise<Feeds[]> {
  const out: Feeds[] = [];
  for await (const b of batches(data, batchSize, limit)) out.push(b);
  return out;
}


export async function autoFallback(
  model: ModelProto,
  floatBytes: Uint8Array,
  cal: CalibrationResult,
  qdq: QdqOptions,
  options: QuantizeOptions,
  onProgress: (f: number) => void,
): Promise<FallbackResult> {
  const executor = options.executor!;
  const target = options.targetSqnrDb ?? 20;
  const outputs = model.graph!.output.map((o) => o.name);
  const feeds = await collectFeeds(options.calibration!, 16, options.calibrationBatchSize ?? 16);
  const floatTensors = new Set<string>();
  const fallback: { tensor: string; sqnrDb: number }[] = [];

  const weightCache: NonNullable<QdqOptions['weightCache']> = new Map();
  const build = (keep: Set<string>) => {
    const m = clone(ModelProtoSchema, model);
    const r = insertQdq(m, cal.ranges, cal.types, { ...qdq, floatTensors: keep, weightCache });
    return { bytes: toBinary(ModelProtoSchema, m), activations: [...r.activations.keys()], model: m, result: r };
  };
  let current = build(floatTensors);
  const candidates = current.activations;
  if (!candidates.length) return { floatTensors, fallback, built: { model: current.model, result: current.result } };
  // First the cheap question: is the fully quantized model fine? (float outputs only)
  let fp = await runAll(executor, floatBytes, [], feeds);

  const evaluate = async (bytes: Uint8Array, acts: string[]) => {
    const res = await runAll(executor, bytes, [], feeds);
    const out = new Sqnr();
    res.forEach((r, i) => {
      for (const o of outputs) if (r[o]?.type === 'float32' && fp[i][o]?.type === 'float32') out.add(fp[i][o].data as Float32Array, r[o].data as Float32Array);
    });
    void acts;
    return out.db;
  };

  const before = await evaluate(current.bytes, candidates);
  const built0 = { model: current.model, result: current.result };
  if (before >= target) return { floatTensors, fallback, outputSqnrDb: { before: round1(before), after: round1(before) }, built: built0 };
  fp = await runAll(executor, floatBytes, candidates, feeds);

  // Local damage per quantized tensor, measured on the float activations: the share of values that
  // quantization moves by more than a quarter of their magnitude (a plain SQNR hides the classic
  // failure: an attention mask of −10000 stretches the range so every real score lands in one
  // bucket), and the tensor's own SQNR. Only outliers are worth a full-model trial.
  const index = new GraphIndex(current.model.graph!);
  const damage = new Map<string, number>();
  const localDb = new Map<string, number>();
  for (const t of candidates) {
    const p = findParams(index, t);
    if (!p) continue;
    let bad = 0;
    let seen = 0;
    const sq = new Sqnr();
    for (const r of fp) {
      const v = r[t];
      if (v?.type !== 'float32') continue;
      const x = v.data as Float32Array;
      const stride = Math.max(1, Math.floor(x.length / 20000));
      for (let i = 0; i < x.length; i += stride) {
        const fq = fakeQuant1(x[i], p);
        sq.signal += x[i] * x[i];
        sq.noise += (x[i] - fq) ** 2;
        if (Math.abs(x[i] - fq) > 0.25 * Math.abs(x[i])) bad++;
        seen++;
      }
    }
    if (seen) {
      damage.set(t, bad / seen);
      localDb.set(t, sq.db);
    }
  }
  const dbs = [...localDb.values()].sort((a, b) => a - b);
  const median = dbs.length ? dbs[Math.floor(dbs.length / 2)] : 0;
  // structurally damaged tensors first (most damaged first), then the unusually noisy ones
  const damaged = [...damage.keys()].filter((t) => damage.get(t)! >= 0.02).sort((a, b) => damage.get(b)! - damage.get(a)!);
  const noisy = [...localDb.keys()].filter((t) => !damaged.includes(t) && localDb.get(t)! < median - 12).sort((a, b) => localDb.get(a)! - localDb.get(b)!);
  const suspects = [...damaged, ...noisy];

  let best = before;
  const maxTrials = 12;
  let trials = 0;
  while (best < target && suspects.length && trials < maxTrials) {
    onProgress(trials / maxTrials);
    // try the next few suspects, keep the one that helps the model output most
    let choice: { t: string; db: number; c: ReturnType<typeof build> } | undefined;
    const helped: string[] = [];
    for (const t of suspects.splice(0, 3)) {
      trials++;
      const candidate = build(new Set(floatTensors).add(t));
      const db = await evaluate(candidate.bytes, candidate.activations);
      if (db > best + 0.5) {
        helped.push(t);
        if (!choice || db > choice.db) choice = { t, db, c: candidate };
      }
    }
    if (!choice) continue;
    // the others that helped on their own get another chance on top of this choice
    suspects.unshift(...helped.filter((t) => t !== choice!.t));
    floatTensors.add(choice.t);
    fallback.push({ tensor: choice.t, sqnrDb: round1(choice.db) });
    best = choice.db;
    current = choice.c;
  }
  onProgress(1);
  return {
    floatTensors,
    fallback,
    outputSqnrDb: { before: round1(before), after: round1(best) },
    built: { model: current.model, result: current.result },
  };
}

function round1(x: number) {
  return Math.round(x * 10) / 10;
}

/** scale / zero point / type of the QuantizeLinear applied to `t` in a QDQ model. */
function findParams(idx: GraphIndex, t: string): { scale: number; zp: number; lo: number; hi: number } | undefined {
  const q = idx.consumersOf(t).find((n) => n.opType === 'QuantizeLinear');
  if (!q) return undefined;
  const s = idx.inits.get(q.input[1]);
  const z = idx.inits.get(q.input[2]);
  if (!s || !z) return undefined;
  const scale = new DataView(s.rawData.buffer, s.rawData.byteOffset).getFloat32(0, true);
  const signed = z.dataType === 3;
  const zp = signed ? new Int8Array(z.rawData.buffer, z.rawData.byteOffset, 1)[0] : z.rawData[0];
  return { scale, zp, lo: signed ? -128 : 0, hi: signed ? 127 : 255 };
}

function fakeQuant1(x: number, p: { scale: number; zp: number; lo: number; hi: number }): number {
  let q = Math.round(x / p.scale) + p.zp;
  q = q < p.lo ? p.lo : q > p.hi ? p.hi : q;
  return (q - p.zp) * p.scale;
}
