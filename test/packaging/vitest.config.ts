import { octetProject } from '../../vitest.shared.ts';

// npm pack + npm install (registry, cache first) + the smoke run: slower than a unit test.
export default octetProject('packaging', { hookTimeout: 300_000 });
