import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { Encoder } from './encoders.js';
import { ZlibPump } from './zlib-pump.js';

const SETTINGS = { level: 6, zlibOptions: {}, brotliOptions: {} };

/** Everything the pump produces for `chunks` written with writeAll, then finished. */
async function drain(pump: ZlibPump | ReturnType<Encoder['createPump']>, chunks: Uint8Array[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const takeAll = (): void => {
    for (let chunk = pump.take(); chunk !== undefined; chunk = pump.take()) out.push(chunk);
  };
  await pump.writeAll(chunks);
  takeAll();
  await pump.finish();
  takeAll();
  return out;
}

describe('ZlibPump.writeAll', () => {
  it('gives zlib the held chunks as one write (one pool job per write), in order', async () => {
    const gz = zlib.createGzip();
    const write = jest.spyOn(gz, 'write');
    const chunks = [Buffer.from('alpha '), Buffer.from('beta '), Buffer.from('gamma')];
    const out = await drain(new ZlibPump(gz), chunks);
    expect(write).toHaveBeenCalledTimes(1);
    expect(zlib.gunzipSync(Buffer.concat(out)).toString()).toBe('alpha beta gamma');
  });

  it('writes a single chunk as it is, without a copy', async () => {
    const gz = zlib.createGzip();
    const write = jest.spyOn(gz, 'write');
    const chunk = Buffer.from('only one');
    await drain(new ZlibPump(gz), [chunk]);
    expect(write.mock.calls[0]![0]).toBe(chunk);
  });
});

describe('Encoder.createPump', () => {
  // Random bytes do not compress: the output fills whole buffers of chunkSize.
  const input = crypto.randomBytes(200 * 1024);

  it("fills 64 KB output chunks, not node's 16 KB", async () => {
    const out = await drain(new Encoder('gzip', SETTINGS).createPump(false), [input]);
    expect(out[0]!.byteLength).toBe(64 * 1024);
    expect(zlib.gunzipSync(Buffer.concat(out)).equals(input)).toBe(true);
  });

  it('lets zlibOptions.chunkSize win', async () => {
    const encoder = new Encoder('gzip', { ...SETTINGS, zlibOptions: { chunkSize: 16 * 1024 } });
    const out = await drain(encoder.createPump(false), [input]);
    expect(out[0]!.byteLength).toBe(16 * 1024);
  });
});
