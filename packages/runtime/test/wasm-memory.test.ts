// WebAssembly memory hygiene: nodes folded at session creation leave nothing on the kernels' heap,
// dispose returns the heap to where it was, and an op that grows the memory mid-run does not leave
// later steps reading detached views.
import { afterAll, describe, expect, it } from 'vitest';
import { loadKernels } from '@octet/kernels';
import { createSession, createOpRegistry, registerAllOps, type GraphNode, type OpConfig, type RuntimeGraph } from '../src/index.js';

const kernels = await loadKernels({ variant: 'simd' });
afterAll(() => kernels.dispose());

const f32 = (dims: number[], values: number[]) => ({ dtype: 'float32' as const, dims, data: Float32Array.from(values) });
const node = (opType: string, inputs: string[], outputs: string[], domain = ''): GraphNode => ({ name: `${opType}_${outputs[0]}`, opType, domain, inputs, outputs, attributes: new Map() });

/** y = x + Conv(c, w): the Conv reads constants only, so session creation folds it. */
function foldedConvGraph(): RuntimeGraph {
  const w = Array.from({ length: 4 * 2 * 3 * 3 }, (_, i) => ((i * 7) % 11) - 5);
  const c = Array.from({ length: 2 * 6 * 6 }, (_, i) => (i % 5) * 0.25);
  return {
    opsets: new Map([['', 17]]),
    inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [1, 4, 4, 4] }],
    outputs: [{ name: 'y', dtype: 'float32', elemType: 1, dims: [1, 4, 4, 4] }],
    initializers: new Map([
      ['c', f32([1, 2, 6, 6], c)],
      ['w', f32([4, 2, 3, 3], w)],
    ]),
    nodes: [node('Conv', ['c', 'w'], ['k']), node('Add', ['x', 'k'], ['y'])],
  };
}

describe('WASM memory', () => {
  it('frees the heap of nodes folded at session creation, and everything on dispose', async () => {
    const before = kernels.heap.allocated;
    const s = await createSession(foldedConvGraph(), { kernels });
    // only the Add remains; the folded Conv's packed weights and scratch are gone
    expect(kernels.heap.allocated).toBe(before);
    const y = await s.run({ x: { type: 'float32', dims: [1, 4, 4, 4], data: new Float32Array(64).fill(1) } });
    expect((y.y.data as Float32Array).length).toBe(64);
    s.dispose();
    expect(kernels.heap.allocated).toBe(before);
  });

  it('re-makes arena views after an op grows the memory in the middle of a run', async () => {
    // ai.octet GrowMemory: copies its input and, on its first run, grows the memory by 64 MiB
    let grown = false;
    const grow: OpConfig = {
      opType: 'GrowMemory',
      domain: 'ai.octet',
      minOpset: 1,
      maxOpset: 1,
      prepare: (ctx) => ({
        outputs: [ctx.input(0)],
        run(inputs, outputs) {
          (outputs[0].data as Float32Array).set(inputs[0].data as Float32Array);
          if (!grown) {
            grown = true;
            kernels.memory.grow(1024);
          }
        },
      }),
    };
    const registry = createOpRegistry();
    registerAllOps(registry);
    registry.register(grow);
    const g: RuntimeGraph = {
      opsets: new Map([['', 17], ['ai.octet', 1]]),
      inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [8] }],
      outputs: [{ name: 'y', dtype: 'float32', elemType: 1, dims: [8] }],
      initializers: new Map([['one', f32([8], [1, 1, 1, 1, 1, 1, 1, 1])]]),
      nodes: [node('Add', ['x', 'one'], ['a']), node('GrowMemory', ['a'], ['b'], 'ai.octet'), node('Add', ['b', 'one'], ['y'])],
    };
    const s = await createSession(g, { kernels, registry });
    const x = { type: 'float32' as const, dims: [8], data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]) };
    const first = await s.run({ x });
    expect(grown).toBe(true);
    expect(Array.from(first.y.data as Float32Array)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const second = await s.run({ x });
    expect(Array.from(second.y.data as Float32Array)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    s.dispose();
  });
});
