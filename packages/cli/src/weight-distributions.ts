// Weight histograms for the report: the float weights of a QDQ-quantized layer with the grid its
// DequantizeLinear defines. Only weights whose float values are found unchanged in the input
// model are shown (matched by the quantizer's `<name>_quantized` naming and checked by
// re-quantizing: every float value must land within half a step of its stored integer).
import { dtypeName, tensorToFloat32, tensorValues, type Model, type TensorProto } from '@octet/onnx';
import type { WeightDistribution } from '@octet/report';

const RANGES: Record<string, [number, number]> = { int8: [-128, 127], uint8: [0, 255], int4: [-8, 7], uint4: [0, 15], int16: [-32768, 32767], uint16: [0, 65535] };

export function weightDistributions(input: Model, output: Model): WeightDistribution[] {
  const g = output.graph;
  const res: WeightDistribution[] = [];
  for (const dq of g.nodes) {
    if (dq.opType !== 'DequantizeLinear') continue;
    const q = g.initializers.get(dq.inputs[0]);
    if (!q || q.dims.length < 2) continue;
    const type = safeName(q.dataType);
    const range = type && RANGES[type];
    if (!range) continue;
    const floatName = dq.inputs[0].replace(/_quantized$/, '');
    const f = input.graph.initializers.get(floatName);
    if (!f || f.dims.map(Number).join() !== q.dims.map(Number).join()) continue;
    const consumer = g.consumers(dq.outputs[0])[0];
    const w = distribution(f, q, g.initializers.get(dq.inputs[1]), dq.inputs[2] ? g.initializers.get(dq.inputs[2]) : undefined, dq.getInt('axis') ?? 1, range, input, output);
    if (w) res.push({ layer: consumer?.name || floatName, tensor: floatName, type, ...w });
  }
  return res;
}

function safeName(dt: number): string | undefined {
  try {
    return dtypeName(dt);
  } catch {
    return undefined;
  }
}

function distribution(
  f: TensorProto,
  q: TensorProto,
  scaleT: TensorProto | undefined,
  zpT: TensorProto | undefined,
  axisAttr: number,
  [qmin, qmax]: [number, number],
  input: Model,
  output: Model,
): Pick<WeightDistribution, 'values' | 'grid' | 'channel'> | undefined {
  if (!scaleT) return undefined;
  const values = tensorToFloat32(f, { external: input.externalData });
  const ints = tensorValues(q, { external: output.externalData }) as ArrayLike<number>;
  const scales = tensorToFloat32(scaleT, { external: output.externalData });
  const zps = zpT ? (tensorValues(zpT, { external: output.externalData }) as ArrayLike<number>) : new Int8Array(scales.length);
  // Symmetric int8 (zero points 0, the quantizer's default) uses −127..127: −128 is never stored.
  if (qmin === -128 && Array.from(zps, Number).every((z) => z === 0) && !Array.prototype.some.call(ints, (v: number) => Number(v) === -128)) qmin = -127;
  const dims = f.dims.map(Number);
  const axis = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
  const perChannel = scales.length > 1;
  const channels = perChannel ? dims[axis] : 1;
  const inner = perChannel ? dims.slice(axis + 1).reduce((a, b) => a * b, 1) : values.length;
  const channelOf = (i: number) => (perChannel ? Math.floor(i / inner) % channels : 0);
  // Consistency: the stored integers are these float values quantized.
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    const expect = Math.min(qmax, Math.max(qmin, values[i] / scales[c] + Number(zps[c])));
    if (Math.abs(expect - Number(ints[i])) > 0.51) return undefined;
  }
  // The channel with the widest float range is the one a histogram says most about.
  let channel = 0;
  if (perChannel) {
    const lo = new Float64Array(channels).fill(Infinity);
    const hi = new Float64Array(channels).fill(-Infinity);
    for (let i = 0; i < values.length; i++) {
      const c = channelOf(i);
      lo[c] = Math.min(lo[c], values[i]);
      hi[c] = Math.max(hi[c], values[i]);
    }
    for (let c = 1; c < channels; c++) if (hi[c] - lo[c] > hi[channel] - lo[channel]) channel = c;
  }
  const picked = perChannel ? values.filter((_, i) => channelOf(i) === channel) : values;
  return {
    values: picked,
    grid: { scale: scales[channel], zeroPoint: Number(zps[channel]), qmin, qmax },
    ...(perChannel ? { channel } : {}),
  };
}
