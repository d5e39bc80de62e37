// @octet/runtime-node: Octet's engine in Node — models from disk, the WASM kernels from this
// package's dependency, worker_threads for `numThreads` > 1, and `register(ort)` for
// onnxruntime-node / onnxruntime-web's `ort` object.

export { register, createBackend, type RegisterOptions, type OrtLike } from './register.js';
export { createSessionFromPath, createNodeSession, type NodeSessionOptions } from './session-node.js';
export { loadNodeKernels } from './kernels-node.js';
export type { Session, SessionOptions, ValueMetadata, TensorValue } from '@octet/runtime';
