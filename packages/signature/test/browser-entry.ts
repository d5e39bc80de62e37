// Bundled by browser.test.ts with esbuild and run in Chromium.
import * as sig from '../src/index.js';

(globalThis as unknown as { octetSignature: typeof sig }).octetSignature = sig;
