import { describe, expect, it } from 'vitest';
import { Graph, ModelBuilder, Node, OnnxValidationError, makeTensor, parseModel, serializeModel } from '../index.js';
import { ort, readBytes, runOrt, testData, rng } from '../test-helpers.js';
import { loadTensor } from '../node.js';
import { tensorValues, tensorDims } from '../tensor-codec.js';

const encoderPath = testData('fixtures/encoder_sentiment/model.onnx');

describe('Graph IR', () => {
  it('producer and consumer maps agree with the node lists', () => {
    const m = parseModel(readBytes(encoderPath));
    const g = m.graph;
    for (const n of g.nodes) {
      for (const o of n.outputs) if (o) expect(g.producer(o)).toBe(n);
      for (const i of n.inputs) if (i) expect(g.consumers(i)).toContain(n);
    }
    const used = new Set(g.nodes.flatMap((n) => n.inputs));
    for (const v of g.inputs) expect(g.consumers(v.name).length > 0).toBe(used.has(v.name));
  });

  it('topological order: stable on a sorted graph, repairs a shuffled one, rejects cycles', () => {
    const m = parseModel(readBytes(encoderPath));
    const g = m.graph;
    const original = [...g.nodes];
    expect(g.topologicalOrder()).toEqual(original);
    const r = rng(3);
    g.nodes = [...original].sort(() => r() - 0.5);
    g.invalidate();
    const order = g.topologicalOrder();
    const pos = new Map(order.map((n, i) => [n, i]));
    for (const n of order) for (const i of n.inputs) {
      const p = g.producer(i);
      if (p) expect(pos.get(p)!).toBeLessThan(pos.get(n)!);
    }
    // A cycle: make the first node read the last node's output.
    const b = new ModelBuilder();
    b.input('x', 'float32', [1]);
    const a = b.op('Relu', ['x']);
    const c = b.op('Neg', [a]);
    b.output(c, 'float32', [1]);
    b.graph.nodes[0].inputs[0] = c;
    b.graph.invalidate();
    expect(() => b.graph.topologicalOrder()).toThrow(OnnxValidationError);
  });

  it('rewrites keep the model runnable with identical results', async () => {
    const bytes = readBytes(testData('fixtures/mlp_diabetes/model.onnx'));
    const x = loadTensor(testData('fixtures/mlp_diabetes/test/input_0.pb'));
    const feeds = { x: new ort.Tensor('float32', tensorValues(x) as Float32Array, tensorDims(x)) };
    const ref = await runOrt(bytes, feeds);

    const m = parseModel(bytes);
    const g = m.graph;
    const outName = g.outputs[0].name;
    // Insert Identity after every Relu, then rename a value, then remove the Identities again.
    for (const relu of g.nodes.filter((n) => n.opType === 'Relu')) {
      const out = relu.outputs[0];
      const mid = g.uniqueName(`${out}_pre`);
      g.setNodeOutput(relu, 0, mid);
      g.addNode(Node.create('Identity', [mid], [out]));
      expect(g.producer(out)!.opType).toBe('Identity');
      expect(g.nodes.indexOf(g.producer(out)!)).toBe(g.nodes.indexOf(relu) + 1);
    }
    const r1 = await runOrt(serializeModel(m), feeds);
    expect(Array.from(r1[outName].data as Float32Array)).toEqual(Array.from(ref[outName].data as Float32Array));

    for (const id of g.nodes.filter((n) => n.opType === 'Identity')) {
      expect(() => g.removeNode(id)).toThrow(OnnxValidationError); // still used
      g.replaceAllUses(id.outputs[0], id.inputs[0]);
      g.removeNode(id);
    }
    const r2 = await runOrt(serializeModel(m), feeds);
    expect(Array.from(r2[outName].data as Float32Array)).toEqual(Array.from(ref[outName].data as Float32Array));
  });

  it('maps updated in place by the helpers equal a fresh rebuild', () => {
    const m = parseModel(readBytes(encoderPath));
    const g = m.graph;
    const r = rng(9);
    g.producer('x'); // build the index first, so the helpers update it incrementally
    const values = () => [...g.definedNames()];
    const removed: string[] = []; // names of removed nodes: stale map entries would show here
    for (let step = 0; step < 300; step++) {
      const nodes = g.nodes.filter((n) => n.subgraphs.size === 0);
      const n = nodes[Math.floor(r() * nodes.length)];
      const pick = r();
      if (pick < 0.4) {
        const out = n.outputs[0];
        const mid = g.uniqueName(`${out}_pre`);
        g.setNodeOutput(n, 0, mid);
        g.addNode(Node.create('Identity', [mid], [out]));
      } else if (pick < 0.7 && n.inputs.length) {
        const vs = values();
        g.setNodeInput(n, Math.floor(r() * n.inputs.length), vs[Math.floor(r() * vs.length)]);
      } else if (pick < 0.8) {
        g.addNode(Node.create('Relu', [values()[Math.floor(r() * values().length)]], [g.uniqueName('extra')]));
      } else if (pick < 0.9) {
        // Remove a node nobody reads.
        const dead = g.nodes.find((d) => d.subgraphs.size === 0 && d.outputs.every((o) => !g.consumers(o).length && !g.isGraphOutput(o)));
        if (dead) {
          g.removeNode(dead);
          removed.push(...dead.outputs, ...dead.inputs);
        }
      } else {
        g.addInitializer(makeTensor(g.uniqueName('c'), 'float32', [1], [1]));
      }
    }
    const fresh = Graph.fromProto(g.toProto());
    const names = new Set([...g.definedNames(), ...g.nodes.flatMap((n) => n.inputs), ...removed]);
    for (const name of names) {
      expect(g.producer(name)?.outputs, name).toEqual(fresh.producer(name)?.outputs);
      const a = g.consumers(name).map((c) => g.nodes.indexOf(c)).sort((x, y) => x - y);
      const b = fresh.consumers(name).map((c) => fresh.nodes.indexOf(c)).sort((x, y) => x - y);
      expect(a, name).toEqual(b);
    }
    // uniqueName never hands out a name twice.
    const handed = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const u = g.uniqueName('x');
      expect(handed.has(u) || names.has(u)).toBe(false);
      handed.add(u);
    }
  });

  it('replaceNode checks that used outputs are still produced', () => {
    const b = new ModelBuilder();
    b.input('x', 'float32', [2]);
    const y = b.op('Relu', ['x']);
    b.output(b.op('Neg', [y]), 'float32', [2]);
    const g = b.graph;
    const relu = g.producer(y)!;
    expect(() => g.replaceNode(relu, Node.create('Abs', ['x'], ['other']))).toThrow(/does not produce/);
    g.replaceNode(relu, [Node.create('Abs', ['x'], ['t']), Node.create('Relu', ['t'], [y])]);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Abs', 'Relu', 'Neg']);
    expect(g.producer(y)!.inputs).toEqual(['t']);
    expect(() => g.addNode(Node.create('Abs', ['x'], ['t']))).toThrow(/already defined/);
  });

  it('renameValue reaches into subgraphs unless shadowed', () => {
    const b = new ModelBuilder({ opset: 17 });
    b.input('c', 'bool', []);
    b.input('x', 'float32', [2]);
    const t = b.subgraph('then');
    t.node('Neg', ['x'], ['t']);
    t.output('t', 'float32', [2]);
    const e = b.subgraph('else');
    e.input('x', 'float32', [2]); // shadows the outer x (unusual but legal in a body)
    e.node('Abs', ['x'], ['e']);
    e.output('e', 'float32', [2]);
    b.node('If', ['c'], ['y'], { then_branch: t.graph, else_branch: e.graph });
    b.output('y', 'float32', [2]);
    const m = b.build();
    m.graph.renameValue('x', 'input_x');
    expect(m.graph.inputs[1].name).toBe('input_x');
    expect(t.graph.nodes[0].inputs).toEqual(['input_x']);
    expect(e.graph.nodes[0].inputs).toEqual(['x']);
    // Serialized subgraph reflects the rename.
    const back = parseModel(serializeModel(m));
    expect(back.graph.nodes[0].getGraph('then_branch')!.nodes[0].inputs).toEqual(['input_x']);
    expect(back.graph.implicitInputs(back.graph.nodes[0])).toEqual(new Set(['input_x']));
  });

  it('round-trips through the IR byte-identically when unchanged', () => {
    for (const f of ['encoder_sentiment/model.onnx', 'mobilenetv2_digits/ref/ort_qop.onnx', 'cnn_digits/ref/ort_qdq.onnx']) {
      const bytes = readBytes(testData(`fixtures/${f}`));
      expect(Buffer.from(serializeModel(parseModel(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
