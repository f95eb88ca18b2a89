import zlib from 'node:zlib';
import { nodeBuiltin } from './runtime.js';

type Proc = { getBuiltinModule?: unknown };

describe('nodeBuiltin', () => {
  it("returns the runtime's own module where process.getBuiltinModule exists", () => {
    expect(nodeBuiltin<typeof zlib>('node:zlib')?.gzipSync).toBe(zlib.gzipSync);
    expect(nodeBuiltin('node:no-such-module')).toBeUndefined();
  });

  it('returns undefined where the runtime has no process.getBuiltinModule (Workers without nodejs_compat)', () => {
    const proc = process as unknown as Proc;
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      expect(nodeBuiltin('node:zlib')).toBeUndefined();
    } finally {
      proc.getBuiltinModule = original;
    }
  });
});
