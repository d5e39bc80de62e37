import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileFor } from './static-server.js';

describe('fileFor', () => {
  const root = resolve('/srv/public');
  it('maps URL paths into the root, folders to index.html', () => {
    expect(fileFor(root, '/')).toBe(join(root, 'index.html'));
    expect(fileFor(root, '/models/cnn_digits/model.onnx')).toBe(join(root, 'models/cnn_digits/model.onnx'));
    expect(fileFor(root, '/a%20b.js')).toBe(join(root, 'a b.js'));
  });
  it('refuses paths that leave the root, NUL bytes and bad escapes', () => {
    expect(fileFor(root, '/../server.js')).toBeUndefined();
    expect(fileFor(root, '/..%2fserver.js')).toBeUndefined();
    expect(fileFor(root, '/models/%2e%2e/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
    expect(fileFor(root, '/public2/x')).toBe(join(root, 'public2/x'));
    expect(fileFor(root, '/x%00.js')).toBeUndefined();
    expect(fileFor(root, '/%E0%A4%A')).toBeUndefined();
  });
});
