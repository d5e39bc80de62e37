// `npm start` (dist/server.js): serve the built playground (dist/public) with COOP/COEP.
//   node dist/server.js [--port 8080] [--host 127.0.0.1]
import { fileURLToPath } from 'node:url';
import { createStaticServer, listen } from './static-server.js';

export async function serve(root: string, port: number, host: string): Promise<string> {
  const server = createStaticServer(root);
  const url = await listen(server, port, host);
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return url;
}

function parseArgs(argv: readonly string[]): { port: number; host: string } {
  let portText = process.env.PORT ?? '8080';
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port' && argv[i + 1] !== undefined) portText = argv[++i]!;
    else if (a === '--host' && argv[i + 1] !== undefined) host = argv[++i]!;
    else throw new Error(`unknown argument '${a}' (usage: node dist/server.js [--port N] [--host H])`);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`port '${portText}' is not a port number (0–65535)`);
  return { port, host };
}

async function main(): Promise<void> {
  const { port, host } = parseArgs(process.argv.slice(2));
  const url = await serve(fileURLToPath(new URL('./public/', import.meta.url)), port, host);
  console.log(`Octet playground on ${url} (COOP/COEP set: cross-origin isolated, threads on). Ctrl+C to stop.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: Error) => {
    console.error(`playground: ${e.message}`);
    process.exit(1);
  });
}
