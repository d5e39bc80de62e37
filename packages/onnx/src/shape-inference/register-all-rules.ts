// The one place that registers every shape-inference rule family.
import { registerElementwiseRules } from './ops-elementwise.js';
import { registerLinearRules } from './ops-linear.js';
import { registerNormQuantRules } from './ops-norm-quant.js';
import { registerShapeRules } from './ops-shape.js';

let registered = false;

export function registerAllRules(): void {
  if (registered) return;
  registered = true;
  registerElementwiseRules();
  registerLinearRules();
  registerShapeRules();
  registerNormQuantRules();
}
