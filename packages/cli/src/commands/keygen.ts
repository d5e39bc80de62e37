// octet keygen --out PREFIX: a new Ed25519 key pair as PREFIX.key.pem (PKCS#8, mode 0600) and
// PREFIX.pub.pem (SPKI). Never overwrites a key.
import { closeSync, existsSync, fsyncSync, linkSync, openSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { exportPrivateKeyPem, exportPublicKeyPem, generateKeyPair } from '@octet/signature';
import type { CommandSpec } from '../args.js';
import { CliError } from '../errors.js';
import { resolvePath } from '../model-file.js';

export const keygenCommand: CommandSpec = {
  name: 'keygen',
  positionals: [],
  summary: 'Create an Ed25519 key pair for signing models: PREFIX.key.pem (private) and PREFIX.pub.pem (public).',
  options: {
    out: { type: 'string', value: 'KEY_PREFIX', help: 'path prefix of the two key files', required: true },
  },
  async run(args, io) {
    const prefix = resolvePath(args.options.out as string, io.cwd);
    const privPath = `${prefix}.key.pem`;
    const pubPath = `${prefix}.pub.pem`;
    for (const p of [privPath, pubPath]) if (existsSync(p)) throw new CliError(`${p}: already exists; keys are never overwritten`);
    const { privateKey, publicKey } = generateKeyPair();
    writeKeyFile(privPath, exportPrivateKeyPem(privateKey), 0o600);
    try {
      writeKeyFile(pubPath, exportPublicKeyPem(publicKey), 0o644);
    } catch (e) {
      rmSync(privPath, { force: true }); // no half pair
      throw e;
    }
    io.stdout(`key ${publicKey.keyId}\n  private: ${privPath}\n  public:  ${pubPath}\n`);
  },
};

/** Temp file created with its final mode, then hard-linked into place: atomic and never overwriting. */
function writeKeyFile(path: string, text: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, path);
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'EEXIST' ? new CliError(`${path}: already exists; keys are never overwritten`) : e;
  } finally {
    rmSync(tmp, { force: true });
  }
}
