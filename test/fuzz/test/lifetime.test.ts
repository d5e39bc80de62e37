// Load and lifetime: many sessions at once (promises and worker threads) give exactly the serial
// outputs; 1,000 create/run/dispose cycles leave no heap or WASM memory behind; a failing run
// poisons neither its session nor its neighbours.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ModelBuilder, decodeTensorProto, serializeModel, tensorDims, tensorValues } from '@octet/onnx';
import { loadKernels } from '@octet/kernels';
import { NodeExecutionError, FeedShapeError, createSession, type Session, type TensorValue } from '@octet/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelWasmPath, workerBundle } from '../src/pool.js';

const testData = new URL('../../../test-data/fixtures/', import.meta.url);
const wasm = kernelWasmPath()!;
type Feeds = Record<string, TensorValue>;
type Outputs = Record<string, TensorValue>;

/** The fixture's test batch cut into batches of different sizes (each size is its own plan). */
function fixture(name: string): { model: Uint8Array; feeds: Feeds[] } {
  const model = new Uint8Array(readFileSync(new URL(`${name}/model.onnx`, testData)));
  const t = decodeTensorProto(new Uint8Array(readFileSync(new URL(`${name}/test/input_0.pb`, testData))));
  const dims = tensorDims(t);
  const all = tensorValues(t) as Float32Array;
  const per = all.length / dims[0];
  const feeds: Feeds[] = [];
  let at = 0;
  for (const n of [1, 7, 3, 16, 2, 5]) {
    feeds.push({ x: { type: 'float32', dims: [n, ...dims.slice(1)], data: all.slice(at * per, (at + n) * per) } });
    at += n;
  }
  return { model, feeds };
}

function runInWorker(data: object): Promise<{ outputs?: Outputs[]; memory?: { cycle: number; heapUsed: number; wasmBytes: number; wasmAllocated: number; liveAllocated: number }[] }> {
  return workerBundle('session-worker-entry.ts').then(
    (file) =>
      new Promise((resolve, reject) => {
        const w = new Worker(file, { workerData: data });
        w.once('message', (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once('error', reject);
      }),
  );
}

const shuffled = <T>(xs: T[], k: number) => xs.map((_, i) => xs[(i * 5 + k) % xs.length]);

describe.each(['mlp_breast_cancer', 'cnn_digits'])('%s under load', (name) => {
  const { model, feeds } = fixture(name);
  let serial: Outputs[];
  let kernels: Awaited<ReturnType<typeof loadKernels>>;

  beforeAll(async () => {
    kernels = await loadKernels({ variant: 'simd', sources: { simd: wasm } });
    const s = await createSession(model, { kernels });
    serial = [];
    for (const f of feeds) serial.push(await s.run(f));
    s.dispose();
  });

  it('8 sessions running concurrently (promises, shared kernels) give the serial outputs bit for bit', async () => {
    const sessions = await Promise.all(Array.from({ length: 8 }, () => createSession(model, { kernels })));
    const results = await Promise.all(
      sessions.map(async (s, k) => {
        const order = shuffled(feeds.map((_, i) => i), k);
        const got: [number, Outputs][] = [];
        for (let round = 0; round < 3; round++) {
          for (const i of order) {
            got.push([i, await s.run(feeds[i])]);
            await new Promise((r) => setImmediate(r)); // let the other sessions interleave
          }
        }
        return got;
      }),
    );
    for (const got of results) for (const [i, out] of got) expect(out).toEqual(serial[i]);
    for (const s of sessions) s.dispose();
  });

  it('2 worker threads (own kernels each) give the serial outputs bit for bit', async () => {
    const [a, b] = await Promise.all([runInWorker({ model, feeds, wasm, repeat: 2 }), runInWorker({ model, feeds, wasm, repeat: 2 })]);
    const expected = [...serial, ...serial];
    expect(a.outputs).toEqual(expected);
    expect(b.outputs).toEqual(expected);
  });
});

describe('lifetime', () => {
  it('1,000 create/run/dispose cycles: no heap growth, WASM memory and allocations back to their level', async () => {
    const { model, feeds } = fixture('mlp_breast_cancer');
    const { memory } = await runInWorker({ model, feeds, wasm, cycles: 1000, samples: [100, 400, 700, 1000] });
    const first = memory![0];
    const last = memory![memory!.length - 1];
    console.log('cycles', memory!.map((m) => `${m.cycle}: heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB, wasm ${(m.wasmBytes / 2 ** 20).toFixed(1)} MiB (${m.liveAllocated} B live, ${m.wasmAllocated} B after dispose)`).join('; '));
    expect(first.liveAllocated).toBeGreaterThan(0); // sessions do live in WASM memory
    expect(last.wasmAllocated).toBe(first.wasmAllocated);
    expect(last.wasmBytes).toBe(first.wasmBytes);
    // 900 more cycles; a leak of 8 KiB per session would show as 7 MiB (gc noise is < 1 MiB).
    expect(last.heapUsed - first.heapUsed).toBeLessThan(4 * 2 ** 20);
  });

  it('a failing run poisons neither its session nor a neighbour on the same kernels', async () => {
    const kernels = await loadKernels({ variant: 'simd', sources: { simd: wasm } });
    // y = Gather(table, idx) then MatMul: an out-of-range index fails inside the run.
    const b = new ModelBuilder({ opset: 17 });
    b.input('idx', 'int64', [2]);
    b.initializer('table', 'float32', [4, 3], Float32Array.from({ length: 12 }, (_, i) => i / 3));
    b.initializer('w', 'float32', [3, 2], Float32Array.from([1, -1, 0.5, 2, -0.25, 1]));
    b.node('Gather', ['table', 'idx'], ['rows']);
    b.node('MatMul', ['rows', 'w'], ['y']);
    b.output('y', 'float32', [2, 2]);
    const bytes = serializeModel(b.build());
    const good: Feeds = { idx: { type: 'int64', dims: [2], data: BigInt64Array.from([3n, 1n]) } };
    const bad: Feeds = { idx: { type: 'int64', dims: [2], data: BigInt64Array.from([0n, 99n]) } };

    const { model, feeds } = fixture('cnn_digits');
    const neighbour: Session = await createSession(model, { kernels });
    const neighbourBefore = await neighbour.run(feeds[1]);

    const s = await createSession(bytes, { kernels });
    const before = await s.run(good);
    const table = (i: number, j: number) => Math.fround((i * 3 + j) / 3);
    const w = [1, -1, 0.5, 2, -0.25, 1];
    const expected = [3, 1].flatMap((r) => [0, 1].map((c) => table(r, 0) * w[c] + table(r, 1) * w[2 + c] + table(r, 2) * w[4 + c]));
    Array.from(before.y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    for (let k = 0; k < 3; k++) {
      await expect(s.run(bad)).rejects.toBeInstanceOf(NodeExecutionError);
      await expect(s.run({ idx: { type: 'int64', dims: [2, 1], data: BigInt64Array.from([0n, 1n]) } })).rejects.toBeInstanceOf(FeedShapeError);
      expect(await s.run(good)).toEqual(before);
      expect(await neighbour.run(feeds[1])).toEqual(neighbourBefore);
    }
    s.dispose();
    neighbour.dispose();
  });
});
