import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveWasmBaseUrl } from './wasm-base-url.js';

afterEach(() => vi.unstubAllGlobals());

describe('resolveWasmBaseUrl', () => {
  it('leaves the default alone', () => {
    expect(resolveWasmBaseUrl(undefined)).toBeUndefined();
  });

  it('resolves a relative base against document.baseURI on a page', () => {
    vi.stubGlobal('document', { baseURI: 'https://example.test/app/index.html' });
    vi.stubGlobal('location', { href: 'https://elsewhere.test/' });
    expect(resolveWasmBaseUrl('/wasm/')?.href).toBe('https://example.test/wasm/');
    expect(resolveWasmBaseUrl('./wasm/')?.href).toBe('https://example.test/app/wasm/');
    expect(resolveWasmBaseUrl('assets/wasm')?.href).toBe('https://example.test/app/assets/wasm/');
  });

  it("resolves against the worker's location when there is no document", () => {
    vi.stubGlobal('location', { href: 'https://example.test/app/worker.js' });
    expect(resolveWasmBaseUrl('./wasm/')?.href).toBe('https://example.test/app/wasm/');
  });

  it('keeps absolute bases (string or URL) and adds the folder slash', () => {
    expect(resolveWasmBaseUrl('https://cdn.test/octet/wasm')?.href).toBe('https://cdn.test/octet/wasm/');
    expect(resolveWasmBaseUrl(new URL('https://cdn.test/w/'))?.href).toBe('https://cdn.test/w/');
  });

  it('explains a relative base with nothing to resolve it against', () => {
    expect(() => resolveWasmBaseUrl('/wasm/')).toThrow(/wasmBaseUrl '\/wasm\/' is relative/);
  });
});
