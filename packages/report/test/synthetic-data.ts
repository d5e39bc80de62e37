import type { LayerError, ReportData, WeightDistribution } from '../src/report-data.js';

/** Small deterministic PRNG (mulberry32) so the synthetic report is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** A realistic report for a small CNN classifier (shapes and magnitudes as in cnn_digits). */
export function syntheticReport(): ReportData {
  const r = rng(42);
  const names = [
    '/conv1/Conv', '/conv2/Conv', '/conv3/Conv', '/conv4/Conv', '/conv5/Conv', '/conv6/Conv',
    '/pool/GlobalAveragePool', '/fc1/Gemm', '/fc2/Gemm', '/classifier/Gemm',
    '/block1/add', '/block2/add', '/block3/Mul', '/head/MatMul',
  ];
  const layers: LayerError[] = names.map((name, i) => {
    const sqnr = 14 + 30 * r() + (i === 9 ? -8 : 0);
    return {
      name,
      opType: name.split('/').pop(),
      sqnrDb: sqnr,
      cosine: 1 - 0.5 * Math.pow(10, -sqnr / 10) - 0.0005 * r(),
      maxAbsError: 0.5 * Math.pow(10, -sqnr / 20) * (1 + r()),
      keptFloat: name === '/classifier/Gemm',
    };
  });
  layers.push({ name: '/flatten/Reshape', opType: 'Reshape', sqnrDb: Infinity, cosine: 1, maxAbsError: 0 });

  const weights: WeightDistribution[] = names.slice(0, 10).map((layer, i) => {
    const n = 2000 + 500 * i;
    const std = 0.05 + 0.02 * i;
    const values = new Float32Array(n);
    for (let k = 0; k < n; k++) values[k] = std * gaussian(r) + (k % 97 === 0 ? std * 6 * (r() - 0.5) : 0);
    let m = 0;
    for (const v of values) m = Math.max(m, Math.abs(v));
    const int4 = i === 9;
    const qmax = int4 ? 7 : 127;
    return {
      layer,
      tensor: `${layer.split('/')[1]}.weight`,
      values,
      grid: { scale: (int4 ? m * 0.7 : m) / qmax, zeroPoint: 0, qmin: -qmax, qmax },
      type: int4 ? 'int4' : 'int8',
    };
  });
  // one pre-binned weight (as a quantizer would stream it) with an asymmetric uint8 grid
  weights.push({
    layer: '/head/MatMul',
    tensor: 'head.weight',
    histogram: { edges: [-0.4, -0.2, 0, 0.2, 0.4, 0.6], counts: [30, 400, 520, 200, 12] },
    grid: { scale: 1 / 255, zeroPoint: 102, qmin: 0, qmax: 255 },
    type: 'uint8',
  });

  const activations = names.map((tensor, i) => {
    const hi = 0.5 + 12 * r() * (i + 1);
    const relu = i < 6;
    const lo = relu ? 0 : -hi * (0.3 + 0.5 * r());
    const clip = i % 3 === 0 ? 0.6 + 0.3 * r() : 1;
    return {
      tensor: `${tensor}_output_0`,
      observedMin: lo,
      observedMax: hi,
      chosenMin: lo * clip,
      chosenMax: hi * clip,
      scale: (hi * clip - lo * clip) / 255,
      zeroPoint: relu ? 0 : Math.round((-lo * clip * 255) / (hi * clip - lo * clip)),
    };
  });

  const classes = 10;
  const samples = 300; // 3000 logits, subsampled to 2000 points
  const float = new Float32Array(classes * samples);
  const quantized = new Float32Array(classes * samples);
  for (let k = 0; k < float.length; k++) {
    float[k] = 4 * gaussian(r);
    quantized[k] = float[k]! + 0.15 * gaussian(r);
  }
  const regF = Array.from({ length: 89 }, () => 150 + 70 * gaussian(r));
  const regQ = regF.map((v) => v + 4 * gaussian(r));

  return {
    generatedAt: '2026-11-27T23:00:00Z',
    model: {
      name: 'cnn_digits',
      source: 'test-data/fixtures/cnn_digits/model.onnx',
      mode: 'static',
      opset: 17,
      producer: 'pytorch 2.5',
      nodes: 31,
      quantizedNodes: 13,
      quantizableNodes: 14,
      parameters: 98_442,
      inputs: [{ name: 'input', type: 'float32', shape: ['batch', 1, 8, 8] }],
      outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 10] }],
    },
    summary: {
      referenceLabel: 'onnxruntime quantized',
      metrics: [
        { name: 'accuracy', higherIsBetter: true, isFraction: true, float: 0.9722, quantized: 0.9667, reference: 0.9639, samples: 360 },
      ],
      sizeBytes: { float: 394_120, quantized: 104_388, reference: 106_902 },
      latencyMs: { float: 0.412, quantized: 0.187, reference: 0.201, runtime: 'octet wasm simd, 1 thread', batchSize: 1, runs: 200 },
    },
    layers,
    weights,
    activations,
    outputs: [
      { name: 'logits', float, quantized },
      { name: 'regression (mlp_diabetes)', float: regF, quantized: regQ },
    ],
    tuning: {
      metric: 'accuracy',
      higherIsBetter: true,
      isFraction: true,
      floatMetric: 0.9722,
      targetDrop: 0.01,
      quantizableLayers: 14,
      keptFloat: ['/classifier/Gemm'],
      steps: [
        { step: 0, keptFloat: [], metric: 0.9472, note: 'all quantizable layers quantized' },
        { step: 1, keptFloat: ['/conv1/Conv'], metric: 0.9556, note: 'keep /conv1/Conv (2nd most sensitive)' },
        { step: 2, keptFloat: ['/classifier/Gemm'], metric: 0.9667, note: 'keep /classifier/Gemm (most sensitive) instead' },
      ],
    },
    options: {
      mode: 'static',
      format: 'qdq',
      calibrationMethod: 'minmax',
      perChannel: false,
      activationType: 'uint8',
      weightType: 'int8',
      excludeNodes: [],
      targetDrop: 0.01,
      eval: 'test-data/fixtures/cnn_digits/test',
    },
    warnings: [
      'node /pool/GlobalAveragePool: no quantized kernel for GlobalAveragePool in QOperator format, kept in float',
      'calibration used 64 of 360 samples (--calibration-samples 64)',
    ],
  };
}
