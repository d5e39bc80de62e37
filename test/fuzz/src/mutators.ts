// Mutations of model bytes. Byte-level ones (bit flips, truncation, length edits, splices) test
// the decoder; tree-level ones (remove/duplicate/edit a field at any depth, lengths recomputed)
// keep the protobuf well formed, so they reach the validator, the runtime and the quantizer.
import { attributeEdit, constantEdit } from './attribute-mutators.js';
import type { Rng } from './rng.js';
import { fieldSlots, lengthPrefixes, parseWire, serializeWire, writeVarint, type WireField } from './wire.js';

export type Mutator = (rng: Rng, input: Uint8Array, corpus: readonly Uint8Array[]) => Uint8Array;

const INTERESTING_LENGTHS = [0, 1, 2, 0x7f, 0x80, 0xffff, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1];
const INTERESTING_VARINTS: (number | bigint)[] = [0, 1, -1, 2, 127, 128, 255, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53, 2n ** 63n - 1n, -(2n ** 63n), 1e9, 17, 99];

export const bitFlip: Mutator = (rng, b) => {
  const out = b.slice();
  const n = 1 + rng.int(8);
  for (let i = 0; i < n && out.length; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return out;
};

export const byteSet: Mutator = (rng, b) => {
  const out = b.slice();
  const n = 1 + rng.int(4);
  for (let i = 0; i < n && out.length; i++) out[rng.int(out.length)] = rng.pick([0, 0xff, 0x7f, 0x80, 0x01, rng.int(256)]);
  return out;
};

export const truncate: Mutator = (rng, b) => b.slice(0, rng.int(b.length));

/** Rewrites one length prefix (any depth) with another value, re-encoded as a varint. */
export const lengthEdit: Mutator = (rng, b) => {
  const prefixes = lengthPrefixes(b);
  if (!prefixes.length) return bitFlip(rng, b, []);
  const p = rng.pick(prefixes);
  const old = b.subarray(p.at, p.at + p.size);
  let v = 0;
  for (let i = old.length - 1; i >= 0; i--) v = v * 128 + (old[i] & 0x7f);
  const nv = rng.pick([...INTERESTING_LENGTHS, v + 1, v - 1, v * 2, v + rng.int(64), Math.max(0, v - rng.int(64))]);
  const enc = writeVarint(Math.max(0, nv));
  const out = new Uint8Array(b.length - p.size + enc.length);
  out.set(b.subarray(0, p.at));
  out.set(enc, p.at);
  out.set(b.subarray(p.at + p.size), p.at + enc.length);
  return out;
};

/** Inserts random bytes, or a chunk of another corpus model, at a random position. */
export const splice: Mutator = (rng, b, corpus) => {
  const donor = corpus.length && rng.next() < 0.5 ? rng.pick(corpus) : undefined;
  const chunk = donor ? donor.subarray(rng.int(donor.length), undefined).slice(0, 1 + rng.int(64)) : rng.bytes(1 + rng.int(16));
  const at = rng.int(b.length + 1);
  const out = new Uint8Array(b.length + chunk.length);
  out.set(b.subarray(0, at));
  out.set(chunk, at);
  out.set(b.subarray(at), at + chunk.length);
  return out;
};

function treeMutate(rng: Rng, b: Uint8Array, edit: (slots: [WireField[], number][]) => void): Uint8Array {
  const tree = parseWire(b);
  if (!tree) return bitFlip(rng, b, []);
  const slots = fieldSlots(tree);
  if (!slots.length) return b;
  edit(slots);
  return serializeWire(tree);
}

export const duplicateField: Mutator = (rng, b) =>
  treeMutate(rng, b, (slots) => {
    const [list, i] = rng.pick(slots);
    list.splice(i + 1, 0, list[i]);
  });

export const removeField: Mutator = (rng, b) =>
  treeMutate(rng, b, (slots) => {
    const [list, i] = rng.pick(slots);
    list.splice(i, 1);
  });

/** Swaps two sibling fields (order matters for repeated fields: node order, inputs). */
export const swapFields: Mutator = (rng, b) =>
  treeMutate(rng, b, (slots) => {
    const [list, i] = rng.pick(slots);
    const j = rng.int(list.length);
    [list[i], list[j]] = [list[j], list[i]];
  });

/** Sets a varint field (a dim, a dtype, an attribute int, an opset…) to an edge value. */
export const varintEdit: Mutator = (rng, b) =>
  treeMutate(rng, b, (slots) => {
    const varints = slots.filter(([l, i]) => l[i].wire === 0);
    if (!varints.length) return;
    const [list, i] = rng.pick(varints);
    list[i] = { ...list[i], raw: writeVarint(rng.pick(INTERESTING_VARINTS)) };
  });

/** Replaces a string/bytes field (a name, an op type, raw_data) with a short or random one. */
export const bytesEdit: Mutator = (rng, b) =>
  treeMutate(rng, b, (slots) => {
    const leaves = slots.filter(([l, i]) => l[i].wire === 2);
    if (!leaves.length) return;
    const [list, i] = rng.pick(leaves);
    const f = list[i];
    const raw = rng.pick([new Uint8Array(0), f.raw.subarray(0, rng.int(f.raw.length + 1)), rng.bytes(rng.int(12)), new TextEncoder().encode(rng.pick(['', 'x', '..', 'Loop', 'If', 'com.microsoft', '/etc/passwd', '../model.onnx.data']))]);
    list[i] = { no: f.no, wire: 2, raw: raw.slice() };
  });

/** A random well-formed protobuf message (random field numbers, wire types and nesting). */
export const randomProtobuf: Mutator = (rng) => serializeWire(randomFields(rng, 0));

function randomFields(rng: Rng, depth: number): WireField[] {
  const n = rng.int(depth === 0 ? 12 : 6);
  const out: WireField[] = [];
  for (let i = 0; i < n; i++) {
    const no = rng.next() < 0.8 ? 1 + rng.int(25) : 1 + rng.int(2 ** 20);
    const wire = rng.pick([0, 0, 1, 2, 2, 2, 5]);
    if (wire === 0) out.push({ no, wire, raw: writeVarint(rng.pick(INTERESTING_VARINTS)) });
    else if (wire === 1) out.push({ no, wire, raw: rng.bytes(8) });
    else if (wire === 5) out.push({ no, wire, raw: rng.bytes(4) });
    else if (depth < 6 && rng.next() < 0.6) out.push({ no, wire, raw: new Uint8Array(0), children: randomFields(rng, depth + 1) });
    else out.push({ no, wire, raw: rng.bytes(rng.int(24)) });
  }
  return out;
}

export const byteMutators = { bitFlip, byteSet, truncate, lengthEdit, splice, duplicateField, randomProtobuf } as const;
export const treeMutators = { duplicateField, removeField, swapFields, varintEdit, bytesEdit } as const;
/** Decode → hostile attribute or constant value → encode (attribute-mutators.ts). */
export const modelMutators = { attributeEdit, constantEdit } as const;
export const allMutators = { ...byteMutators, ...treeMutators, ...modelMutators } as const;
export type MutatorName = keyof typeof allMutators;

/** Applies 1–3 mutations chosen from `names`. */
export function mutate(rng: Rng, input: Uint8Array, corpus: readonly Uint8Array[], names: readonly MutatorName[]): { bytes: Uint8Array; ops: MutatorName[] } {
  const ops: MutatorName[] = [];
  let b = input;
  const n = 1 + (rng.next() < 0.3 ? rng.int(3) : 0);
  for (let i = 0; i < n; i++) {
    const name = rng.pick(names);
    ops.push(name);
    b = allMutators[name](rng, b, corpus);
  }
  return { bytes: b, ops };
}
