// .npy files written by NumPy (test-data/npy, see its README) against the fixture's .pb values.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeTensorProto, tensorValues } from '@octet/onnx';
import { describe, expect, it } from 'vitest';
import { NpyError, parseNpy } from './npy.js';

const npyDir = fileURLToPath(new URL('../../test-data/npy/', import.meta.url));
const fixture = fileURLToPath(new URL('../../../../test-data/fixtures/mlp_breast_cancer/test/', import.meta.url));
const npy = (name: string) => parseNpy(new Uint8Array(readFileSync(`${npyDir}${name}`)), name);
const x8 = (tensorValues(decodeTensorProto(new Uint8Array(readFileSync(`${fixture}input_0.pb`)))) as Float32Array).slice(0, 240);
const y8 = (tensorValues(decodeTensorProto(new Uint8Array(readFileSync(`${fixture}labels.pb`)))) as BigInt64Array).slice(0, 8);

describe('parseNpy', () => {
  it('reads float32 (format 1.0 and 2.0), float64, int64 and uint8 arrays as NumPy wrote them', () => {
    for (const name of ['x_f32.npy', 'x_f32_v2.npy']) {
      const a = npy(name);
      expect(a.descr).toBe('<f4');
      expect(a.dims).toEqual([8, 30]);
      expect(a.data).toEqual(x8);
    }
    const f64 = npy('x_f64.npy');
    expect(f64.descr).toBe('<f8');
    expect(Float32Array.from(f64.data as Float64Array)).toEqual(x8);
    expect(npy('labels_i64.npy')).toEqual({ descr: '<i8', dims: [8], data: y8 });
    expect(npy('labels_u8.npy')).toEqual({ descr: '|u1', dims: [8], data: Uint8Array.from(y8, Number) });
  });

  it('refuses Fortran order, big-endian data, truncated and foreign files, by name', () => {
    expect(() => npy('x_fortran.npy')).toThrow(/x_fortran\.npy is in Fortran order/);
    expect(() => npy('x_f32_big_endian.npy')).toThrow(/dtype '>f4' is not supported/);
    const bytes = new Uint8Array(readFileSync(`${npyDir}x_f32.npy`));
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4), 'cut.npy')).toThrow(/cut\.npy: shape \(8, 30\) of <f4 needs 960 bytes of data, the file has 956/);
    expect(() => parseNpy(new TextEncoder().encode('x,y\n1,2\n'), 'data.npy')).toThrow(NpyError);
  });
});
