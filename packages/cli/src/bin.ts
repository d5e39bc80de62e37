#!/usr/bin/env node
import { main } from './main.js';

// Every output is written synchronously to a temp file and renamed. With a handler installed, Node
// delivers Ctrl-C between JavaScript tasks, so an interrupt never lands inside a write: it stops
// before the output exists or after it is complete — never a partial file.
process.on('SIGINT', () => {
  process.stderr.write('\noctet: interrupted\n');
  process.exit(130);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`octet: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
