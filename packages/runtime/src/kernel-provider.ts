// The WASM kernels as the runtime uses them: the loaded @octet/kernels module. Ops receive it
// through OpContext.kernels and fall back to their TypeScript path when it is undefined.

import type { Kernels } from '@octet/kernels';

export type KernelProvider = Kernels;
