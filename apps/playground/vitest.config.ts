import { octetProject } from '../../vitest.shared.ts';
export default octetProject('playground');
