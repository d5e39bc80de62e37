import { octetProject } from '../vitest.shared.ts';

// Only the aggregator has tests; the suites themselves are measurements, never run as tests.
export default octetProject('benchmarks', { include: ['aggregate/**/*.test.ts'] });
