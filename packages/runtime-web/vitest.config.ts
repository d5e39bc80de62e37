import { octetProject } from '../../vitest.shared.ts';
export default octetProject('runtime-web');
