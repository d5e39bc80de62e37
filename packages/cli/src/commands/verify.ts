// octet verify MODEL --pub PUB.pem [--sig FILE.sig]: exit 0 when the signature holds for the
// key, 1 (one line naming why) when the model is unsigned, changed, or signed by another key.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { externalDataFromDir } from '@octet/onnx/node';
import { toPublicKey, verify } from '@octet/signature';
import type { CommandSpec } from '../args.js';
import { CliError } from '../errors.js';
import { requireFile, resolvePath, withFile } from '../model-file.js';

export const verifyCommand: CommandSpec = {
  name: 'verify',
  positionals: ['MODEL.onnx'],
  summary: "Check a model's Ed25519 signature (embedded, or --sig) against a public key; exit 0 when it holds, 1 otherwise.",
  options: {
    pub: { type: 'string', value: 'PUB.pem', help: 'public key (SPKI PEM, from octet keygen)', required: true },
    sig: { type: 'string', value: 'FILE.sig', help: 'detached signature to check instead of the embedded one' },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  async run(args, io) {
    const input = resolvePath(args.positionals[0], io.cwd);
    const pubPath = resolvePath(args.options.pub as string, io.cwd);
    requireFile(input, 'model file');
    requireFile(pubPath, 'key file');
    let key;
    try {
      key = toPublicKey(readFileSync(pubPath, 'utf8'));
    } catch (e) {
      throw withFile(pubPath, e);
    }
    let signature: string | undefined;
    if (args.options.sig) {
      const sigPath = resolvePath(args.options.sig as string, io.cwd);
      requireFile(sigPath, 'signature file');
      signature = readFileSync(sigPath, 'utf8');
    }
    const bytes = new Uint8Array(readFileSync(input));
    const r = await verify(bytes, key, { signature, externalData: externalDataFromDir(dirname(input)), file: input });
    if (args.options.json) io.stdout(JSON.stringify({ file: args.positionals[0], ...r }) + '\n');
    if (!r.valid) throw new CliError(`${args.positionals[0]}: ${r.reason}: ${r.message}`);
    if (!args.options.json) io.stdout(`${args.positionals[0]}: signature valid (key ${r.keyId}${r.detached ? ', detached' : ''})\n`);
  },
};
