import { describe, expect, it } from 'vitest';
import { ModelBuilder, attr, parseModel, serializeModel, tensorValues } from './index.js';
import { ort, rng, runOrt } from './test-helpers.js';

function randInts(n: number, lo: number, hi: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

describe('ModelBuilder', () => {
  it('builds a QLinearMatMul model that ONNX Runtime runs to the plain TS reference', async () => {
    const [M, K, N] = [3, 5, 4];
    const a = randInts(M * K, 0, 255, 1);
    const w = randInts(K * N, -127, 127, 2);
    const [sa, za, sw, zw, sy, zy] = [0.02, 128, 0.01, 0, 0.05, 100];
    const b = new ModelBuilder({ opset: 17 });
    b.input('a', 'uint8', ['M', K]);
    b.initializer('a_scale', 'float32', [], [sa]);
    b.initializer('a_zp', 'uint8', [], [za]);
    b.initializer('w', 'int8', [K, N], w);
    b.initializer('w_scale', 'float32', [], [sw]);
    b.initializer('w_zp', 'int8', [], [zw]);
    b.initializer('y_scale', 'float32', [], [sy]);
    b.initializer('y_zp', 'uint8', [], [zy]);
    b.node('QLinearMatMul', ['a', 'a_scale', 'a_zp', 'w', 'w_scale', 'w_zp', 'y_scale', 'y_zp'], ['y']);
    b.output('y', 'uint8', ['M', N]);
    const model = b.build();
    // Survives a byte round trip through our own codec first.
    const bytes = serializeModel(parseModel(serializeModel(model)));
    const out = await runOrt(bytes, { a: new ort.Tensor('uint8', Uint8Array.from(a), [M, K]) });
    const f32 = new Float32Array(1);
    const expected: number[] = [];
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += (a[i * K + k] - za) * (w[k * N + j] - zw);
        f32[0] = (acc * Math.fround(sa) * Math.fround(sw)) / Math.fround(sy);
        const r = Math.round(f32[0]);
        const even = Math.abs(f32[0] % 1) === 0.5 ? 2 * Math.round(f32[0] / 2) : r; // half to even
        expected.push(Math.min(255, Math.max(0, even + zy)));
      }
    }
    const got = Array.from(out.y.data as Uint8Array);
    // ORT computes the scale product in float; allow 1 LSB where the rounding point is a hair away.
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1);
    expect(got.filter((g, i) => g !== expected[i]).length).toBeLessThanOrEqual(1);
  });

  it('builds MatMulInteger and Conv models ONNX Runtime accepts', async () => {
    const b = new ModelBuilder({ opset: 17 });
    b.input('a', 'uint8', [2, 3]);
    b.initializer('w', 'int8', [3, 2], [1, -2, 3, -4, 5, -6]);
    b.initializer('azp', 'uint8', [], [1]);
    const y = b.op('MatMulInteger', ['a', 'w', 'azp']);
    b.output(y, 'int32', [2, 2]);
    const out = await runOrt(b.build(), { a: new ort.Tensor('uint8', Uint8Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) });
    // (a-1) = [[0,1,2],[3,4,5]] times w
    expect(Array.from(out[y].data as Int32Array)).toEqual([0 * 1 + 1 * 3 + 2 * 5, 0 * -2 + 1 * -4 + 2 * -6, 3 + 12 + 25, -6 - 16 - 30]);

    const c = new ModelBuilder({ opset: 17 });
    c.input('x', 'float32', [1, 1, 3, 3]);
    c.initializer('k', 'float32', [1, 1, 2, 2], [1, 0, 0, -1]);
    c.initializer('bias', 'float32', [1], [0.5]);
    const z = c.op('Conv', ['x', 'k', 'bias'], { kernel_shape: [2, 2], pads: [0, 0, 0, 0], strides: [1, 1] });
    const r = c.op('LeakyRelu', [z], { alpha: 1 }); // integral float attribute stays FLOAT
    c.output(r, 'float32');
    const o2 = await runOrt(c.build(), { x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]) });
    expect(Array.from(o2[r].data as Float32Array)).toEqual([1 - 5 + 0.5, 2 - 6 + 0.5, 4 - 8 + 0.5, 5 - 9 + 0.5]);
  });

  it('types attributes: ints, floats, strings, tensors, explicit attr.*', () => {
    const b = new ModelBuilder();
    b.input('x', 'float32', [2]);
    b.node('Foo', ['x'], ['y'], { i: 3, f: 0.5, s: 'abc', is: [1, 2], fs: [0.5, 1], ss: ['a'], forced: attr.float(2), epsilon: 1 }, 'test.domain');
    const n = b.graph.nodes[0];
    expect(n.attribute('i')!.type).toBe(2);
    expect(n.getInt('i')).toBe(3);
    expect(n.attribute('f')!.type).toBe(1);
    expect(n.getString('s')).toBe('abc');
    expect(n.getInts('is')).toEqual([1, 2]);
    expect(n.getFloats('fs')).toEqual([0.5, 1]);
    expect(n.getStrings('ss')).toEqual(['a']);
    expect(n.attribute('forced')!.type).toBe(1);
    expect(n.attribute('epsilon')!.type).toBe(1);
    expect(n.domain).toBe('test.domain');
  });

  it('builds If subgraphs reading outer values; ONNX Runtime runs them', async () => {
    const b = new ModelBuilder({ opset: 17 });
    b.input('c', 'bool', []);
    b.input('x', 'float32', [2]);
    const thenB = b.subgraph('then');
    thenB.node('Neg', ['x'], ['t']);
    thenB.output('t', 'float32', [2]);
    const elseB = b.subgraph('else');
    elseB.node('Abs', ['x'], ['e']);
    elseB.output('e', 'float32', [2]);
    b.node('If', ['c'], ['y'], { then_branch: thenB.graph, else_branch: elseB.graph });
    b.output('y', 'float32', [2]);
    const m = b.build();
    expect(m.graph.consumers('x').map((n) => n.opType)).toEqual(['If']);
    const x = new ort.Tensor('float32', Float32Array.from([-1, 2]), [2]);
    const t = await runOrt(m, { c: new ort.Tensor('bool', [true], []), x });
    const e = await runOrt(m, { c: new ort.Tensor('bool', [false], []), x });
    expect(Array.from(t.y.data as Float32Array)).toEqual([1, -2]);
    expect(Array.from(e.y.data as Float32Array)).toEqual([1, 2]);
  });

  it('writes initializers readable back as typed arrays', () => {
    const b = new ModelBuilder();
    b.initializer('w', 'float32', [2, 2], [1, 2, 3, 4]);
    b.input('x', 'float32', [2, 2]);
    b.output(b.op('Add', ['x', 'w']), 'float32', [2, 2]);
    const m = parseModel(serializeModel(b.build()));
    expect(Array.from(tensorValues(m.graph.initializer('w')!) as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(m.opset()).toBe(17);
    expect(m.irVersion).toBe(8);
  });
});
