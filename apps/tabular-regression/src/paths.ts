import { fileURLToPath } from 'node:url';

/** The bundled example: 10 standardized features → diabetes progression one year later. */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../test-data/fixtures/mlp_diabetes/', import.meta.url));
