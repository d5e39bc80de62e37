// Step 3: a small HTTP endpoint. POST /predict {"features":[10 numbers]} → {"prediction": n};
// {"features":[[…],[…]]} (a batch) → {"predictions": [n, …]}.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Predictor } from './predictor.js';

const MAX_BODY = 1 << 20;

class BadRequest extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BadRequest(`body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseRows(body: string, features: number): { rows: number[][]; batch: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadRequest('body is not JSON');
  }
  const f = (json as { features?: unknown } | null)?.features;
  if (!Array.isArray(f)) throw new BadRequest('expected {"features": [numbers]} or {"features": [[numbers], …]}');
  const batch = Array.isArray(f[0]);
  const rows = (batch ? f : [f]) as unknown[];
  if (rows.length === 0) throw new BadRequest('features is empty');
  rows.forEach((r, i) => {
    const where = batch ? `features[${i}]` : 'features';
    if (!Array.isArray(r) || r.length !== features) throw new BadRequest(`${where}: expected ${features} numbers`);
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`${where}[${j}]: not a finite number`);
    });
  });
  return { rows: rows as number[][], batch };
}

export function createPredictionServer(predictor: Predictor): Server {
  return createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.url !== '/predict') return send(404, { error: `no route ${req.url}; POST /predict` });
      if (req.method !== 'POST') return send(405, { error: 'use POST' });
      const { rows, batch } = parseRows(await readBody(req), predictor.features);
      const predictions = await predictor.predict(rows);
      send(200, batch ? { predictions } : { prediction: predictions[0] });
    } catch (e) {
      if (e instanceof BadRequest) send(400, { error: e.message });
      else send(500, { error: (e as Error).message });
    }
  });
}

/** Listens and resolves with the bound port (pass 0 for any free port). */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
