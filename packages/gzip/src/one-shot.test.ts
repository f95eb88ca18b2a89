import { randomBytes } from 'node:crypto';
import { PassThrough, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { reusableCompressor } from './one-shot.js';

const GZIP = { level: 6 };

function gzipCompressor() {
  const compressor = reusableCompressor(zlib.createGzip, GZIP, zlib.constants.Z_FINISH, zlib.gzipSync);
  if (compressor === undefined) throw new Error('node:zlib here has the handle gzip() reuses');
  return compressor;
}

describe('reusableCompressor', () => {
  it('gives, body after body, the bytes gzipSync gives', () => {
    const compressor = gzipCompressor();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40_000 }), fc.boolean(), (bytes, text) => {
        const input = text ? Buffer.from(Buffer.from(bytes).toString('base64').slice(0, bytes.length)) : bytes;
        expect(compressor.compress(input).equals(zlib.gzipSync(input, GZIP))).toBe(true);
      }),
      { numRuns: 60 },
    );
    compressor.close();
  });

  it('deflate too, with its own options', () => {
    const options = { level: 9, memLevel: 9 };
    const compressor = reusableCompressor(zlib.createDeflate, options, zlib.constants.Z_FINISH, zlib.deflateSync)!;
    expect(compressor).toBeDefined();
    const input = Buffer.from('{"id":1,"name":"a"},'.repeat(500));
    expect(compressor.compress(input).equals(zlib.deflateSync(input, options))).toBe(true);
    expect(zlib.inflateSync(compressor.compress(input)).equals(input)).toBe(true);
    compressor.close();
  });

  it('collects output larger than its scratch buffer (incompressible input over 64 KB)', () => {
    const compressor = gzipCompressor();
    const input = randomBytes(200_000);
    const output = compressor.compress(input);
    expect(output.byteLength).toBeGreaterThan(64 * 1024);
    expect(zlib.gunzipSync(output).equals(input)).toBe(true);
    // And the next body starts a stream of its own.
    expect(zlib.gunzipSync(compressor.compress(Buffer.from('next'))).toString()).toBe('next');
    compressor.close();
  });

  it('hands out buffers of their own: the next body does not overwrite the last', () => {
    const compressor = gzipCompressor();
    const first = compressor.compress(Buffer.from('first body '.repeat(100)));
    const copy = Buffer.from(first);
    compressor.compress(Buffer.from('second body, different '.repeat(100)));
    expect(first.equals(copy)).toBe(true);
    compressor.close();
  });

  it('is not used where reset() loses the options: node resets brotli to its default quality', () => {
    const options = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };
    expect(reusableCompressor(zlib.createBrotliCompress, options, zlib.constants.BROTLI_OPERATION_FINISH, zlib.brotliCompressSync)).toBeUndefined();
  });

  it('is not used where the stream has no such handle (another runtime)', () => {
    const factory = (): Transform => new PassThrough();
    expect(reusableCompressor(factory, GZIP, zlib.constants.Z_FINISH, zlib.gzipSync)).toBeUndefined();
  });

  it('is no longer usable once closed, and says so instead of writing to a closed handle', () => {
    const compressor = gzipCompressor();
    compressor.close();
    expect(compressor.usable).toBe(false);
    expect(() => compressor.compress(Buffer.from('late'))).toThrow(/closed/);
  });
});
