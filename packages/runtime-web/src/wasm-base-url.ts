// Where the kernels' .wasm files are fetched from. `new URL(file, base)` needs an absolute base,
// so a relative `wasmBaseUrl` ('/wasm/', './assets/wasm') is resolved here against the page's
// document.baseURI, or the worker's location, the way the browser resolves any relative link.

declare const document: { readonly baseURI?: string } | undefined;
declare const location: { readonly href: string } | undefined;

/** The base the browser resolves relative URLs against here: document.baseURI, else location.href. */
function pageBase(): string | undefined {
  if (typeof document !== 'undefined' && document?.baseURI) return document.baseURI;
  if (typeof location !== 'undefined' && location?.href) return location.href;
  return undefined;
}

/**
 * `wasmBaseUrl` as an absolute folder URL (a trailing '/' added, so 'assets/wasm' names the
 * folder rather than a file in 'assets/'); undefined stays undefined (the loader's default).
 */
export function resolveWasmBaseUrl(base: string | URL | undefined): URL | undefined {
  if (base === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(base), pageBase());
  } catch {
    throw new TypeError(`wasmBaseUrl '${String(base)}' is relative and there is no document or worker location to resolve it against: pass an absolute URL`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
