// qdq-lookup-subgraph: a DAG of element-wise ops fed by one 8-bit tensor (GELU in QOperator and
// QDQ encoders) becomes one QLinearLookupTable whose bytes are what the separate ops compute.
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/compile.js';
import { createOpRegistry } from '../../src/op-registry-impl.js';
import { defaultRegistry } from '../../src/register-all-ops.js';
import { buildGraph, maxDiff, rng, runGraph, t, type GraphSpec } from './op-harness.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await kernels.dispose();
});

/** Every op, no patterns: the graph as written. */
function unfusedRegistry() {
  const r = createOpRegistry();
  for (const op of defaultRegistry().ops()) r.register(op);
  return r;
}

type Form = 'qop' | 'qdq';

/** GELU as ORT's quantizer writes it: x · 0.5 and (erf(x / √2) + 1), each re-quantized, then multiplied. */
function gelu(form: Form, dtype: 'uint8' | 'int8', extraReader = false): GraphSpec {
  const signed = dtype === 'int8';
  const [lo, hi] = signed ? [-128, 127] : [0, 255];
  const r = rng(signed ? 5 : 6);
  const x = t(dtype, [4, 96], r.ints(384, lo, hi));
  const z = (u: number, s: number) => t(dtype, [], [signed ? s : u]);
  const consts: GraphSpec['consts'] = {
    sx: t('float32', [], [0.045]), zx: z(140, 12),
    sh: t('float32', [], [0.022]), zh: z(128, 0),
    se: t('float32', [], [1 / 127]), ze: z(128, 0),
    sp: t('float32', [], [2 / 255]), zp: z(0, -128),
    sy: t('float32', [], [0.03]), zy: z(20, -108),
    half: t('float32', [], [0.5]), rsqrt2: t('float32', [], [Math.SQRT1_2]), one: t('float32', [], [1]),
  };
  const nodes: GraphSpec['nodes'] = [
    { op: 'DequantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['v'] },
    { op: 'Mul', inputs: ['v', 'half'], outputs: ['h'] },
    { op: 'Mul', inputs: ['v', 'rsqrt2'], outputs: ['s'] },
    { op: 'Erf', inputs: ['s'], outputs: ['e'] },
    { op: 'QuantizeLinear', inputs: ['e', 'se', 'ze'], outputs: ['eq'] },
    { op: 'DequantizeLinear', inputs: ['eq', 'se', 'ze'], outputs: ['ed'] },
    { op: 'Add', inputs: ['ed', 'one'], outputs: ['p'] },
    { op: 'QuantizeLinear', inputs: ['h', 'sh', 'zh'], outputs: ['hq'] },
    { op: 'QuantizeLinear', inputs: ['p', 'sp', 'zp'], outputs: ['pq'] },
  ];
  if (form === 'qop') {
    nodes.push({ op: 'QLinearMul', domain: 'com.microsoft', inputs: ['hq', 'sh', 'zh', 'pq', 'sp', 'zp', 'sy', 'zy'], outputs: ['y'] });
  } else {
    nodes.push(
      { op: 'DequantizeLinear', inputs: ['hq', 'sh', 'zh'], outputs: ['hd'] },
      { op: 'DequantizeLinear', inputs: ['pq', 'sp', 'zp'], outputs: ['pd'] },
      { op: 'Mul', inputs: ['hd', 'pd'], outputs: ['m'] },
      { op: 'QuantizeLinear', inputs: ['m', 'sy', 'zy'], outputs: ['y'] },
    );
  }
  return { nodes, feeds: { x }, consts, outputs: extraReader ? ['y', 'e'] : ['y'], opset: 17 };
}

const bytes = (o: Record<string, { data: unknown }>, name = 'y') => Array.from(o[name].data as ArrayLike<number>);

describe('qdq-lookup-subgraph', () => {
  for (const form of ['qop', 'qdq'] as const) {
    for (const dtype of ['uint8', 'int8'] as const) {
      it(`GELU DAG (${form}, ${dtype}) becomes one table with the separate ops' bytes`, () => {
        const s = gelu(form, dtype);
        const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
        expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['QLinearLookupTable']);
        const unfused = runGraph(s, { registry: unfusedRegistry() });
        // the table is the TypeScript ops evaluated on every byte: identical to them
        expect(bytes(runGraph(s))).toEqual(bytes(unfused));
        // and to the separate ops on the WASM kernels up to a rounding tie of their float math
        const fused = bytes(runGraph(s, { kernels }));
        expect(fused).toEqual(bytes(runGraph(s)));
        expect(maxDiff(fused, bytes(runGraph(s, { kernels, registry: unfusedRegistry() })))).toBeLessThanOrEqual(1);
      });
    }
  }

  it('keeps a value another node reads and still tables the result', () => {
    const s = gelu('qop', 'uint8', true);
    const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
    const ops = compiled.nodes.map((n) => n.node.opType);
    expect(ops).toContain('Erf');
    expect(ops).toContain('QLinearLookupTable');
    expect(bytes(runGraph(s))).toEqual(bytes(runGraph(s, { registry: unfusedRegistry() })));
    expect(bytes(runGraph(s), 'e')).toEqual(bytes(runGraph(s, { registry: unfusedRegistry() }), 'e'));
  });

  for (const dtype of ['uint8', 'int8'] as const) {
    it(`per-column bias after an integer matmul, DQ → Add(bias[N]) → Q → DQ (${dtype}): one table per column`, () => {
      const signed = dtype === 'int8';
      const [lo, hi] = signed ? [-128, 127] : [0, 255];
      const r = rng(signed ? 8 : 9);
      const N = 19;
      const s: GraphSpec = {
        nodes: [
          { op: 'DequantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['v'] },
          { op: 'Add', inputs: ['bias', 'v'], outputs: ['a'] },
          { op: 'QuantizeLinear', inputs: ['a', 'sy', 'zy'], outputs: ['q'] },
          { op: 'DequantizeLinear', inputs: ['q', 'sy', 'zy'], outputs: ['y'] },
        ],
        feeds: { x: t(dtype, [3, 5, N], r.ints(15 * N, lo, hi)) },
        consts: {
          sx: t('float32', [], [0.02]), zx: t(dtype, [], [signed ? 3 : 131]), sy: t('float32', [], [0.027]), zy: t(dtype, [], [signed ? -9 : 117]),
          bias: t('float32', [N], r.floats(N, -1.5, 1.5)),
        },
        outputs: ['y'],
        opset: 17,
      };
      const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
      expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['QLinearLookupTable', 'DequantizeLinear']);
      const unfused = bytes(runGraph(s, { registry: unfusedRegistry() }));
      expect(bytes(runGraph(s))).toEqual(unfused);
      expect(bytes(runGraph(s, { kernels }))).toEqual(unfused);
    });
  }

  it('per-column tables on an X whose last axis is 1 broadcast it to N columns, as the Add did', () => {
    const r = rng(10);
    const N = 7;
    const s: GraphSpec = {
      nodes: [
        { op: 'DequantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['v'] },
        { op: 'Add', inputs: ['v', 'bias'], outputs: ['a'] },
        { op: 'QuantizeLinear', inputs: ['a', 'sy', 'zy'], outputs: ['q'] },
        { op: 'DequantizeLinear', inputs: ['q', 'sy', 'zy'], outputs: ['y'] },
      ],
      feeds: { x: t('uint8', [2, 3, 1], r.ints(6, 0, 255)) },
      consts: {
        sx: t('float32', [], [0.02]), zx: t('uint8', [], [131]), sy: t('float32', [], [0.027]), zy: t('uint8', [], [117]),
        bias: t('float32', [N], r.floats(N, -1.5, 1.5)),
      },
      outputs: ['y'],
      opset: 17,
    };
    const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toEqual(['QLinearLookupTable', 'DequantizeLinear']);
    const unfused = runGraph(s, { registry: unfusedRegistry() });
    for (const fused of [runGraph(s), runGraph(s, { kernels })]) {
      expect(fused.y.dims).toEqual([2, 3, N]);
      expect(bytes(fused)).toEqual(bytes(unfused));
    }
  });

  it('does not bake a constant the caller may override (an initializer that is also a graph input)', () => {
    const s = gelu('qop', 'uint8');
    s.feeds.half = t('float32', [], [0.25]);
    const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
    expect(compiled.nodes.map((n) => n.node.opType)).toContain('Mul');
    expect(bytes(runGraph(s, { kernels }))).toEqual(bytes(runGraph(s, { kernels, registry: unfusedRegistry() })));
  });

  it('leaves a subgraph with a second varying input alone', () => {
    const s = gelu('qdq', 'uint8');
    s.feeds.w = t('float32', [4, 96], new Array(384).fill(0.25));
    s.nodes.push({ op: 'Add', inputs: ['v', 'w'], outputs: ['vw'] });
    s.outputs.push('vw');
    const compiled = compileGraph(buildGraph(s), { registry: defaultRegistry(), kernels });
    const ops = compiled.nodes.map((n) => n.node.opType);
    expect(ops).toContain('DequantizeLinear'); // still read by the Add of w
    expect(ops).toContain('QLinearLookupTable');
  });
});
