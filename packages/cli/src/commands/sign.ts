// octet sign MODEL --key KEY.pem -o OUT: an Ed25519 signature over the model and its external
// data (see @octet/signature), embedded in OUT's metadata, or with --detached written as a .sig.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeModelProto, forEachModelTensor } from '@octet/onnx';
import { externalDataFromDir, writeFileAtomic } from '@octet/onnx/node';
import { SignatureError, sign, toPrivateKey } from '@octet/signature';
import type { CommandSpec } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { requireFile, resolvePath, withFile } from '../model-file.js';

export const signCommand: CommandSpec = {
  name: 'sign',
  positionals: ['MODEL.onnx'],
  summary: 'Sign a model (and its external data) with an Ed25519 private key; never modifies MODEL.onnx.',
  options: {
    key: { type: 'string', value: 'KEY.pem', help: 'private key (PKCS#8 PEM, from octet keygen)', required: true },
    output: { type: 'string', short: 'o', value: 'OUT', help: 'signed model, or with --detached the .sig file', required: true },
    detached: { type: 'boolean', help: 'write only the signature (a .sig file) and leave the model as it is' },
  },
  details: 'The signature covers a canonical encoding of the model and every external tensor payload; it is stored in metadata_props["octet.signature.ed25519"].',
  async run(args, io) {
    const input = resolvePath(args.positionals[0], io.cwd);
    const output = resolvePath(args.options.output as string, io.cwd);
    const keyPath = resolvePath(args.options.key as string, io.cwd);
    requireFile(input, 'model file');
    requireFile(keyPath, 'key file');
    if (sameFile(input, output)) throw new UsageError(`-o ${args.options.output} is the input model; choose another output file`);
    let key;
    try {
      key = toPrivateKey(readFileSync(keyPath, 'utf8'));
    } catch (e) {
      throw withFile(keyPath, e);
    }
    const bytes = new Uint8Array(readFileSync(input));
    if (!args.options.detached && hasExternalData(bytes) && realpathSync(dirname(input)) !== realpathSync(dirname(output))) {
      throw new CliError(`${input}: the model has external data, which its locations name relative to its folder; write the signed model into the same folder (or use --detached)`);
    }
    let signed;
    try {
      signed = await sign(bytes, key, { externalData: externalDataFromDir(dirname(input)), file: input });
    } catch (e) {
      throw e instanceof SignatureError ? withFile(input, e) : e;
    }
    const payload = args.options.detached ? new TextEncoder().encode(signed.signature + '\n') : signed.model;
    writeFileAtomic(output, [payload]);
    io.stdout(`${args.options.output}: ${args.options.detached ? 'signature' : 'signed model'} by key ${signed.keyId}\n`);
  },
};

function hasExternalData(bytes: Uint8Array): boolean {
  let found = false;
  try {
    forEachModelTensor(decodeModelProto(bytes), (t) => {
      if (t.dataLocation === 1) found = true;
    });
  } catch {
    return false; // sign() reports the decode error with its offset
  }
  return found;
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  return existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b);
}
