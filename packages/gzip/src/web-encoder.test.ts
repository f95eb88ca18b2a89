import type { Application, ResponseHeaders } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import fc from 'fast-check';
import zlib from 'node:zlib';
import type { gzip as gzipFactory } from './gzip.js';
import { WebEncoder } from './web-encoder.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain; charset=utf-8']];

/** gzip() as a runtime without node:zlib (Workers without nodejs_compat) loads it. */
function gzipWithoutZlib(): typeof gzipFactory {
  const proc = process as unknown as { getBuiltinModule?: unknown };
  const original = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    let loaded: typeof gzipFactory | undefined;
    jest.isolateModules(() => {
      loaded = (jest.requireActual('./index.js') as { gzip: typeof gzipFactory }).gzip;
    });
    return loaded!;
  } finally {
    proc.getBuiltinModule = original;
  }
}

function lines(count: number): Uint8Array {
  let out = '';
  for (let i = 0; i < count; i++) out += `line ${i} of a body that compresses well\n`;
  return new TextEncoder().encode(out);
}

describe('WebEncoder (CompressionStream)', () => {
  it('compresses any bytes to what node:zlib decodes back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 70_000 }), fc.constantFrom('gzip' as const, 'deflate' as const), async (bytes, coding) => {
        const out = await new WebEncoder(coding).compress(bytes);
        const back = coding === 'gzip' ? zlib.gunzipSync(out) : zlib.inflateSync(out);
        expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses codings CompressionStream does not make, naming the fix', () => {
    expect(() => new WebEncoder('br')).toThrow(/br needs node:zlib/);
  });
});

describe('gzip() on a runtime without node:zlib', () => {
  const gzip = gzipWithoutZlib();

  it('offers gzip and deflate only, and compresses array and streamed bodies', async () => {
    const body = lines(30_000); // ~1.2 MB: past the one-shot limit, so it streams
    const arrayApp: Application = (_environ, startResponse) => {
      startResponse('200 OK', TEXT.slice());
      return [body.subarray(0, 2000)];
    };
    const streamApp: Application = (_environ, startResponse) => {
      startResponse('200 OK', TEXT.slice());
      return (async function* () {
        for (let i = 0; i < body.byteLength; i += 64 * 1024) yield body.subarray(i, i + 64 * 1024);
      })();
    };
    const small = await testClient(gzip()(arrayApp)).get('/', { headers: { 'Accept-Encoding': 'br, deflate' } });
    expect(small.header('content-encoding')).toBe('deflate');
    expect(small.header('content-length')).toBe(String(small.body.byteLength));
    expect(zlib.inflateSync(small.body).equals(Buffer.from(body.subarray(0, 2000)))).toBe(true);

    const big = await testClient(gzip()(streamApp)).get('/', { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(big.header('content-encoding')).toBe('gzip');
    expect(big.header('content-length')).toBeUndefined();
    expect(zlib.gunzipSync(big.body).equals(Buffer.from(body))).toBe(true);

    const brOnly = await testClient(gzip()(arrayApp)).get('/', { headers: { 'Accept-Encoding': 'br' } });
    expect(brOnly.header('content-encoding')).toBeUndefined();
    expect(brOnly.header('vary')).toBe('Accept-Encoding');
  });

  it('sends an event stream uncompressed, since CompressionStream cannot flush an event out', async () => {
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/event-stream']]);
      return (async function* () {
        for (let i = 0; i < 3; i++) yield new TextEncoder().encode(`data: ${'x'.repeat(800)} ${i}\n\n`);
      })();
    };
    const res = await testClient(gzip()(app)).get('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.header('content-encoding')).toBeUndefined();
    expect(res.header('vary')).toBe('Accept-Encoding');
    expect(res.text.split('\n\n').filter(Boolean)).toHaveLength(3);
  });

  it('says which codings remain when none of those asked for is available', () => {
    expect(() => gzip({ encodings: ['br'] })).toThrow(/without node:zlib: gzip, deflate/);
  });
});

describe('gzip() on Cloudflare Workers', () => {
  it('passes the app through: the edge compresses for the client, whose Accept-Encoding the Worker never sees', () => {
    const global = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(global, 'navigator');
    Object.defineProperty(global, 'navigator', { value: { userAgent: 'Cloudflare-Workers' }, configurable: true });
    try {
      let gzip: typeof gzipFactory | undefined;
      jest.isolateModules(() => {
        gzip = (jest.requireActual('./index.js') as { gzip: typeof gzipFactory }).gzip;
      });
      const app: Application = (_environ, startResponse) => {
        startResponse('200 OK', TEXT.slice());
        return [lines(100)];
      };
      expect(gzip!()(app)).toBe(app);
      expect(() => gzip!({ level: 12 })).toThrow(/level/);
    } finally {
      if (had) Object.defineProperty(global, 'navigator', had);
      else delete global.navigator;
    }
  });
});
