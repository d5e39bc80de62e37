import { octetProject } from '../../vitest.shared.ts';

export default octetProject('app-custom-runtime');
