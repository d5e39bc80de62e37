// A small static file server for the playground. Every response carries COOP same-origin and
// COEP require-corp, so the page is cross-origin isolated (crossOriginIsolated === true) and
// SharedArrayBuffer — the kernels' shared memory for threads — is available.
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.onnx': 'application/octet-stream',
  '.pb': 'application/octet-stream',
};

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** The file a URL path names inside `root`, or undefined when it would leave it. */
export function fileFor(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

export function createStaticServer(rootDir: string): Server {
  const root = resolve(rootDir);
  return createServer(async (req, res) => {
    const headers = { ...ISOLATION_HEADERS, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };
    const reply = (code: number, text: string) => res.writeHead(code, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    const file = fileFor(root, new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!file) return reply(400, 'bad path');
    let info: Stats;
    try {
      info = await stat(file);
    } catch {
      return reply(404, 'not found');
    }
    if (!info.isFile()) return reply(404, 'not found');
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

/** Listens and resolves with the server's base URL. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      done(`http://${host.includes(':') ? `[${host}]` : host}:${p}/`);
    });
  });
}

