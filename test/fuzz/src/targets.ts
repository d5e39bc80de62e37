// What each fuzz target runs on one input, and which errors count as "typed" (a clear refusal)
// rather than a crash. Everything else — TypeError, RangeError, a plain Error — is a bug.
import { OnnxError, decodeModelProto, decodeTensorProto, inferShapes, parseModel, tensorValues, validateModel } from '@octet/onnx';
import { OctetRuntimeError, createSessionSync, type KernelProvider, type TensorValue } from '@octet/runtime';
import { QuantizerError, quantize } from '@octet/quantizer';

export type TargetName = 'decode' | 'tensor' | 'validate' | 'session' | 'quantize';

export type Outcome =
  | { status: 'ok'; detail?: string }
  | { status: 'typed'; error: string; message: string }
  | { status: 'crash'; error: string; message: string; stack?: string };

const typedFor: Record<TargetName, (e: unknown) => boolean> = {
  decode: (e) => e instanceof OnnxError,
  tensor: (e) => e instanceof OnnxError,
  validate: (e) => e instanceof OnnxError,
  session: (e) => e instanceof OctetRuntimeError,
  quantize: (e) => e instanceof QuantizerError || e instanceof OnnxError,
};

/** Feeds from the session's input metadata: symbolic dims → 2; small deterministic values. */
function feedsFor(meta: readonly { name: string; type: string; shape: readonly (number | string)[] }[]): Record<string, TensorValue> | undefined {
  const feeds: Record<string, TensorValue> = {};
  for (const m of meta) {
    const dims = m.shape.map((d) => (typeof d === 'number' ? d : 2));
    const n = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(n) || n > 1 << 20) return undefined; // declared input too large to feed: not a runtime question
    const make = (): TensorValue['data'] | undefined => {
      switch (m.type) {
        case 'float32':
          return Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 2);
        case 'int64':
          return BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 3));
        case 'int32':
          return Int32Array.from({ length: n }, (_, i) => i % 3);
        case 'uint8':
          return Uint8Array.from({ length: n }, (_, i) => i & 255);
        case 'int8':
          return Int8Array.from({ length: n }, (_, i) => (i % 200) - 100);
        case 'bool':
          return Uint8Array.from({ length: n }, (_, i) => i & 1);
        default:
          return undefined;
      }
    };
    const data = make();
    if (!data) return undefined;
    feeds[m.name] = { type: m.type, dims, data } as TensorValue;
  }
  return feeds;
}

export interface TargetContext {
  kernels?: KernelProvider;
}

async function runTarget(target: TargetName, bytes: Uint8Array, ctx: TargetContext): Promise<string | undefined> {
  switch (target) {
    case 'decode':
      decodeModelProto(bytes);
      return;
    case 'tensor': {
      // Data files (calibration / evaluation input_K.pb) are user input too.
      const t = decodeTensorProto(bytes);
      tensorValues(t);
      return;
    }
    case 'validate': {
      const model = parseModel(bytes);
      validateModel(model, { types: true });
      inferShapes(model, { strict: false });
      return;
    }
    case 'session': {
      const s = createSessionSync(bytes, { kernels: ctx.kernels });
      try {
        const feeds = feedsFor(s.inputMetadata);
        if (!feeds) return 'created';
        // Twice: the second run replays the plan (a different code path from building it).
        s.runSync(feeds);
        s.runSync(feeds);
        return 'ran';
      } finally {
        s.dispose();
      }
    }
    case 'quantize': {
      const input = bytes.slice();
      await quantize(input, { mode: 'dynamic' });
      if (!input.every((v, i) => v === bytes[i])) throw new Error('quantize modified its input bytes');
      return;
    }
  }
}

export async function runCase(target: TargetName, bytes: Uint8Array, ctx: TargetContext = {}): Promise<Outcome> {
  try {
    const detail = await runTarget(target, bytes, ctx);
    return { status: 'ok', detail };
  } catch (e) {
    if (typedFor[target](e)) {
      // 'NodeExecutionError/InvalidAttributeError': which check refused the node, not only that one did.
      const cause = (e as Error).cause;
      const name = cause instanceof Error ? `${(e as Error).name}/${cause.name}` : (e as Error).name;
      return { status: 'typed', error: name, message: (e as Error).message.slice(0, 300) };
    }
    const err = e as Error;
    return { status: 'crash', error: err?.name ?? typeof e, message: String(err?.message ?? e).slice(0, 500), stack: err?.stack?.split('\n').slice(0, 8).join('\n') };
  }
}
