import zlib from 'node:zlib';
import { gzip } from './gzip.js';
import { DEFAULTS, resolveOptions, type GzipOptions } from './options.js';

describe('gzip() options', () => {
  it.each<[string, GzipOptions]>([
    ['threshold', { threshold: -1 }],
    ['threshold', { threshold: 1.5 }],
    ['oneShotLimit', { oneShotLimit: Number.NaN }],
    ['level', { level: 10 }],
    ['filter', { filter: 'text/*' as never }],
    ['flush', { flush: 'yes' as never }],
    ['encodings', { encodings: [] }],
    ['encodings', { encodings: ['lzma' as never] }],
    ['zlibOptions', { zlibOptions: { memLevel: 99 } }],
    ['brotliOptions', { brotliOptions: null as never }],
  ])('a bad %s throws a TypeError naming it', (name, options) => {
    expect(() => gzip(options)).toThrow(TypeError);
    expect(() => gzip(options)).toThrow(name);
  });

  it('defaults to gzip level 6, brotli quality 4, threshold 1 KiB, one-shot up to 1 MiB', () => {
    expect(DEFAULTS.level).toBe(6);
    expect(DEFAULTS.threshold).toBe(1024);
    expect(DEFAULTS.oneShotLimit).toBe(1 << 20);
    const resolved = resolveOptions({});
    const br = resolved.encoders.get('br') as unknown as { options: zlib.BrotliOptions };
    expect(br.options.params?.[zlib.constants.BROTLI_PARAM_QUALITY]).toBe(4);
    expect([...resolved.encoders.keys()]).toEqual(typeof (zlib as unknown as Record<string, unknown>).createZstdCompress === 'function' ? ['zstd', 'br', 'gzip', 'deflate'] : ['br', 'gzip', 'deflate']);
  });

  it('drops zstd where Node lacks it, keeping the config portable', () => {
    const keys = [...resolveOptions({ encodings: ['zstd', 'gzip'] }).encoders.keys()];
    expect(keys).toContain('gzip');
  });

  it('applies level to gzip output, sync when small and async when large', async () => {
    const input = Buffer.from('abcdefgh'.repeat(5000) + Math.random());
    const fast = resolveOptions({ level: 1 }).encoders.get('gzip')!.compress(input);
    expect(fast).toBeInstanceOf(Promise);
    const small = await resolveOptions({ level: 9 }).encoders.get('gzip')!.compress(input);
    expect(resolveOptions({}).encoders.get('gzip')!.compress(input.subarray(0, 100))).toBeInstanceOf(Buffer);
    expect(zlib.gunzipSync(await fast).equals(input)).toBe(true);
    expect(small.byteLength).toBeLessThanOrEqual((await fast).byteLength);
  });
});
