// The "runtime": a quantized MLP executed on @octet/kernels directly. Everything stays in WASM
// memory between layers: QuantizeLinear → (int8 GEMM + fused requantize/ReLU)* → DequantizeLinear.
import { quantLayout, quantizeLinearInto, dequantizeLinearInto, type Kernels, type QGemm } from '@octet/kernels';
import type { QuantizedMlp } from './quantize.js';

export interface Int8Mlp {
  /** Runs `rows` input rows (f32, [rows, inputs]) and returns the f32 outputs [rows, outputs]. */
  run(x: Float32Array, rows: number): Float32Array;
  dispose(): void;
}

export function createInt8Mlp(k: Kernels, q: QuantizedMlp): Int8Mlp {
  // Weights are packed once per layer. The epilogue turns the int32 accumulator straight into the
  // next layer's uint8 input: scale = s_in·s_w[n]/s_out, + z_out, and a ReLU is just a clamp at z_out.
  const gemms: QGemm[] = q.layers.map((l) =>
    k.createQGemm({
      K: l.inputs,
      N: l.outputs,
      weights: l.weights,
      weightZeroPoint: 0,
      activationSigned: false,
      activationZeroPoint: l.input.zeroPoint,
      output: 'u8',
      scale: Array.from(l.weightScales, (sw) => Math.fround((l.input.scale * sw) / l.output.scale)),
      outputZeroPoint: l.output.zeroPoint,
      outputMin: l.relu ? l.output.zeroPoint : 0,
      outputMax: 255,
      bias: l.bias,
    }),
  );
  const first = q.layers[0];
  const last = q.layers[q.layers.length - 1];

  return {
    run(x, rows) {
      if (x.length !== rows * first.inputs) throw new RangeError(`expected ${rows}×${first.inputs} inputs, got ${x.length} values`);
      // Our buffers are freed one by one (not with heap.mark/release): a GEMM may grow its own
      // activation-packing scratch during run(), which must outlive this call.
      const ours: number[] = [];
      const alloc = (bytes: number) => (ours.push(k.heap.alloc(bytes)), ours[ours.length - 1]);
      const put = (a: Float32Array | Uint8Array) => (ours.push(k.heap.put(a)), ours[ours.length - 1]);
      try {
        // Quantize the f32 input into uint8 with the calibrated per-tensor parameters.
        const xPtr = put(x);
        const sPtr = put(Float32Array.of(first.input.scale));
        const zPtr = put(Uint8Array.of(first.input.zeroPoint));
        let a = alloc(rows * first.inputs);
        quantizeLinearInto(k, { x: xPtr, y: a, scale: sPtr, zeroPoint: zPtr, type: 'u8', layout: quantLayout([rows, first.inputs], null) });

        for (let i = 0; i < gemms.length; i++) {
          const out = alloc(rows * q.layers[i].outputs);
          gemms[i].run({ M: rows, a, out });
          a = out;
        }

        // Dequantize the last layer's uint8 output.
        const y = alloc(rows * last.outputs * 4);
        const osPtr = put(Float32Array.of(last.output.scale));
        const ozPtr = put(Uint8Array.of(last.output.zeroPoint));
        dequantizeLinearInto(k, { x: a, y, scale: osPtr, zeroPoint: ozPtr, type: 'u8', layout: quantLayout([rows, last.outputs], null) });
        return k.heap.f32.slice(y >> 2, (y >> 2) + rows * last.outputs); // views are re-read after allocations
      } finally {
        for (const p of ours) k.heap.free(p);
      }
    },
    dispose() {
      for (const g of gemms) g.dispose();
    },
  };
}
