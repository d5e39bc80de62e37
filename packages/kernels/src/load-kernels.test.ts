import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCapabilities } from './engine/capabilities-impl.js';
import { KernelLoadError, loadKernels } from './load-kernels.js';
import { wasmPath } from './engine/relaxed-test-bundle.js';

describe('loadKernels', () => {
  it('picks the baseline build in plain Node 20 (relaxed SIMD does not validate without the flag)', async () => {
    const caps = detectCapabilities();
    expect(caps.simd).toBe(true);
    const k = await loadKernels();
    expect(k.variant).toBe(caps.relaxedSimd ? k.variant : 'simd');
    expect(k.capabilities.relaxedDotExact).toBe(caps.relaxedSimd ? k.capabilities.relaxedDotExact : null);
    expect(k.pool).toBeNull();
    expect(typeof k.exports.octet_heap_base).toBe('function');
    expect(k.heap.alloc(16)).toBeGreaterThanOrEqual(k.exports.octet_heap_base());
  });

  it('accepts bytes, a compiled module or a path as the source of a variant', async () => {
    const bytes = readFileSync(wasmPath('simd'));
    for (const simd of [new Uint8Array(bytes), new WebAssembly.Module(bytes), wasmPath('simd')]) {
      const k = await loadKernels({ variant: 'simd', sources: { simd } });
      expect(k.variant).toBe('simd');
    }
  });

  it('reports a broken source as a KernelLoadError naming the variant', async () => {
    const err = await loadKernels({ variant: 'simd', sources: { simd: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) } }).catch((e) => e);
    expect(err).toBeInstanceOf(KernelLoadError);
    expect(String(err.message)).toMatch(/simd kernels/);
  });

  it('refuses an explicit relaxed variant the engine cannot validate, and bad thread counts', async () => {
    if (!detectCapabilities().relaxedSimd) await expect(loadKernels({ variant: 'relaxed' })).rejects.toThrow(/does not validate/);
    await expect(loadKernels({ threads: 0 })).rejects.toThrow(/threads must be an integer/);
    await expect(loadKernels({ threads: 33 })).rejects.toThrow(/threads must be an integer from 1 to 32, got 33/);
  });
});
