// Type-level test: compiles test/types/register-ort.ts with the repo's compiler settings and
// expects no diagnostics — the accepted calls type-check without casts, and every
// `@ts-expect-error` on a rejected call is used (an unused one is itself an error).
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cases = fileURLToPath(new URL('./types/register-ort.ts', import.meta.url));

describe('register(ort) types', () => {
  it('accepts onnxruntime-web/-node 1.30 and onnxruntime-common 1.22 without a cast, rejects non-ort objects', () => {
    const config = ts.getParsedCommandLineOfConfigFile(`${repo}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
    if (!config) throw new Error('could not read tsconfig.json');
    const program = ts.createProgram([cases], { ...config.options, noEmit: true });
    // Only this file's diagnostics: the checker then resolves just the types it uses (fast), and a
    // type error elsewhere in the repo is not this test's business.
    const file = program.getSourceFile(cases);
    if (!file) throw new Error(`${cases} is not in the program`);
    const found = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const diagnostics = found.map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(repo.length)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(diagnostics).toEqual([]);
  });
});
