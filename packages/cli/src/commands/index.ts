// Every command, in the order `octet --help` lists them.
import type { CommandSpec } from '../args.js';
import { inspectCommand } from './inspect.js';
import { runCommand } from './run.js';
import { evalCommand } from './eval.js';
import { benchCommand } from './bench.js';
import { quantizeCommand } from './quantize.js';
import { explainCommand } from './explain.js';
import { keygenCommand } from './keygen.js';
import { signCommand } from './sign.js';
import { verifyCommand } from './verify.js';

export const commands: readonly CommandSpec[] = [inspectCommand, runCommand, evalCommand, benchCommand, quantizeCommand, explainCommand, keygenCommand, signCommand, verifyCommand];
