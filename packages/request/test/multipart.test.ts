import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError } from '@tsgi/core';
import { ClientDisconnected } from '@tsgi/core/gateway';
import { parseMultipart, type StoredFile } from '../src/multipart/index.js';
import {
  CONTENT_TYPE,
  CountingInput,
  bytes,
  chunks,
  collect,
  concat,
  disconnectingInput,
  field,
  file,
  multipartBody,
  multipartEnviron,
  outcome,
} from './multipart-fixtures.js';

/** The rejection of `promise`, which must be an HttpError. */
async function httpError(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

const parse = (body: Uint8Array, chunkSize?: number, contentType = CONTENT_TYPE) =>
  collect(parseMultipart(multipartEnviron(body, contentType, chunkSize)));

describe('parseMultipart: well-formed bodies', () => {
  const body = multipartBody(
    [field('title', 'Holiday'), file('photo', 'beach.jpg', 'JPEG\r\nDATA--XyZzy not a boundary', 'image/jpeg'), field('empty', '')],
    'XyZzy',
    { preamble: 'This is the preamble.\r\nIt is ignored.', epilogue: '\r\nand the epilogue too' },
  );
  const expected = [
    { name: 'title', filename: undefined, contentType: 'text/plain', text: 'Holiday' },
    { name: 'photo', filename: 'beach.jpg', contentType: 'image/jpeg', text: 'JPEG\r\nDATA--XyZzy not a boundary' },
    { name: 'empty', filename: undefined, contentType: 'text/plain', text: '' },
  ];

  it('yields each part with its name, file name, type and content; preamble and epilogue ignored', async () => {
    expect(await parse(body)).toEqual(expected);
  });

  it('gives the same parts when the client sends one byte at a time', async () => {
    expect(await parse(body, 1)).toEqual(expected);
  });

  it('gives the same parts for every chunk size from 2 to 80 (boundaries split at every offset)', async () => {
    for (let size = 2; size <= 80; size++) expect(await parse(body, size)).toEqual(expected);
  });

  it('reads a body with no parts, and transport padding after a boundary', async () => {
    expect(await parse(bytes('--XyZzy--'))).toEqual([]);
    const padded = bytes('--XyZzy \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZzy--');
    expect(await parse(padded)).toEqual([{ name: 'a', filename: undefined, contentType: 'text/plain', text: '1' }]);
  });

  it('treats the boundary inside content as content unless it starts a line with CRLF', async () => {
    const tricky = ['--XyZzy', '\r\n-XyZzy', '\r\n--XyZz', 'x--XyZzy--', '\n--XyZzy', '\r--XyZzy'].join('|');
    expect((await parse(multipartBody([field('a', tricky)])))[0]!.text).toBe(tricky);
  });

  it('reads unicode names, filename* and quoted escapes', async () => {
    const raw = multipartBody([
      { headers: [`Content-Disposition: form-data; name="名前"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt`], content: 'x' },
      { headers: ['Content-Disposition: form-data; name="say \\"hi\\""; filename="r\u00e9sum\u00e9.pdf"'], content: 'y' },
    ]);
    const parts = await parse(raw);
    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ['名前', '€ rates.txt'],
      ['say "hi"', 'résumé.pdf'],
    ]);
  });

  it('reduces a path in a file name to its base name, keeping the raw name aside', async () => {
    const raw = multipartBody([file('a', '../../etc/passwd', '1'), file('b', 'C:\\Users\\me\\x.txt', '2'), file('c', 'dir/sub\\..', '3')]);
    const seen: Array<[string | undefined, string | undefined]> = [];
    for await (const part of parseMultipart(multipartEnviron(raw))) seen.push([part.filename, part.rawFilename]);
    expect(seen).toEqual([
      ['passwd', '../../etc/passwd'],
      ['x.txt', 'C:\\Users\\me\\x.txt'],
      ['', 'dir/sub\\..'],
    ]);
  });
});

describe('parseMultipart: bad input', () => {
  it('answers 415 without multipart/form-data, 400 without a boundary or with two', () => {
    expect(() => parseMultipart(multipartEnviron(bytes(''), 'application/json'))).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => parseMultipart(multipartEnviron(bytes(''), 'multipart/form-data'))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseMultipart(multipartEnviron(bytes(''), 'multipart/form-data; boundary=a; boundary=b'))).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringMatching(/boundary is given twice/) }),
    );
  });

  it('answers 400 when the body does not use the boundary of the Content-Type', async () => {
    const error = await httpError(parse(multipartBody([field('a', '1')], 'Other')));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/ended before its closing boundary --XyZzy--/);
  });

  it('answers 400 for a body with LF line ends instead of CRLF', async () => {
    const lf = bytes('--XyZzy\nContent-Disposition: form-data; name="a"\n\nvalue\n--XyZzy--\n');
    const error = await httpError(parse(lf));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/LF alone.*CRLF/);
  });

  it('answers 400 for a boundary followed by other text on its line', async () => {
    const error = await httpError(parse(bytes('--XyZzy\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZzyX\r\n--XyZzy--')));
    expect(error.message).toMatch(/other characters on its line/);
    expect((await httpError(parse(bytes('--XyZzy-x')))).status).toBe(400);
  });

  it('answers 400 for a part without headers', async () => {
    const error = await httpError(parse(bytes('--XyZzy\r\n\r\nno headers\r\n--XyZzy--')));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/part 1: no Content-Disposition/);
  });

  it('answers 400 for folded part headers', async () => {
    const folded = bytes('--XyZzy\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\n1\r\n--XyZzy--');
    expect((await httpError(parse(folded))).message).toMatch(/obs-fold/);
  });

  it('answers 413 at maxParts for 10,000 empty parts, reading only the first ones', async () => {
    const many = multipartBody(Array.from({ length: 10_000 }, () => field('a', '')));
    const input = new CountingInput(chunks(many, 4096));
    const error = await httpError(collect(parseMultipart(multipartEnviron(input))));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/more than maxParts \(1000\).*raise the maxParts option/);
    expect(input.pulled).toBeLessThan(many.byteLength / 5);
  });

  it('answers 413 at maxFieldSize for a 100 MB field without a file name, without reading 100 MB', async () => {
    const head = bytes('--XyZzy\r\nContent-Disposition: form-data; name="big"\r\n\r\n');
    const block = new Uint8Array(64 * 1024).fill(0x61);
    function* body(): Generator<Uint8Array> {
      yield head;
      for (let sent = 0; sent < 100 * 1024 * 1024; sent += block.byteLength) yield block;
      yield bytes('\r\n--XyZzy--');
    }
    const input = new CountingInput(body());
    const error = await httpError(collect(parseMultipart(multipartEnviron(input))));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/over maxFieldSize \(500000 bytes, all fields together\) at field "big"/);
    expect(input.pulled).toBeLessThan(1024 * 1024);
  });

  it('counts maxFieldSize over all fields together, and maxFileSize, maxFiles, maxHeaderSize, maxTotalSize each', async () => {
    const env = (body: Uint8Array) => multipartEnviron(body);
    const twoFields = multipartBody([field('a', 'x'.repeat(60)), field('b', 'y'.repeat(60))]);
    expect((await httpError(collect(parseMultipart(env(twoFields), { maxFieldSize: 100 })))).message).toMatch(/at field "b"/);
    const big = multipartBody([file('f', 'a.bin', 'z'.repeat(101))]);
    expect((await httpError(collect(parseMultipart(env(big), { maxFileSize: 100 })))).message).toMatch(/"a.bin".*maxFileSize \(100 bytes\)/);
    const files = multipartBody([file('f', '1', ''), file('f', '2', ''), field('x', '')]);
    expect((await httpError(collect(parseMultipart(env(files), { maxFiles: 1 })))).message).toMatch(/maxFiles \(1\)/);
    const header = multipartBody([{ headers: [`Content-Disposition: form-data; name="${'n'.repeat(200)}"`], content: '' }]);
    expect((await httpError(collect(parseMultipart(env(header), { maxHeaderSize: 100 })))).message).toMatch(/maxHeaderSize \(100 bytes\)/);
    expect((await httpError(collect(parseMultipart(multipartEnviron(header, CONTENT_TYPE, 7), { maxHeaderSize: 100 })))).status).toBe(413);
    expect((await httpError(collect(parseMultipart(env(big), { maxTotalSize: 100 })))).message).toMatch(/maxTotalSize \(100 bytes\)/);
    const declared = multipartEnviron(big);
    declared.CONTENT_LENGTH = '2000';
    expect(() => parseMultipart(declared, { maxTotalSize: 1000 })).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('skips a field it is not asked to read, and still counts its bytes', async () => {
    const body = multipartBody([field('a', 'x'.repeat(80)), field('b', 'y')]);
    const names: string[] = [];
    for await (const part of parseMultipart(multipartEnviron(body))) names.push(part.name);
    expect(names).toEqual(['a', 'b']);
    await expect(collect(parseMultipart(multipartEnviron(body), { maxFieldSize: 50 }))).rejects.toMatchObject({ status: 413 });
  });

  it('checks its options once, naming a bad one', () => {
    const environ = multipartEnviron(bytes(''));
    expect(() => parseMultipart(environ, { maxParts: -1 })).toThrow(new TypeError('parseMultipart: maxParts must be a whole number >= 0 or Infinity, got -1'));
    expect(() => parseMultipart(environ, { maxFileSize: 1.5 })).toThrow(/maxFileSize/);
    expect(() => parseMultipart(environ, { tempDir: '' })).toThrow(/tempDir/);
    expect(() => parseMultipart(environ, { maxTotalSize: Infinity })).not.toThrow();
  });
});

describe('parseMultipart: reading parts', () => {
  it('pulls no input for a part until the part is read (backpressure)', async () => {
    const content = new Uint8Array(200_000).fill(1);
    const body = multipartBody([file('f', 'a.bin', content), field('after', 'x')]);
    const input = new CountingInput(chunks(body, 10_000));
    const parts = parseMultipart(multipartEnviron(input))[Symbol.asyncIterator]();
    const first = (await parts.next()).value!;
    expect(input.pulls).toBe(1);
    const stream = first.stream()[Symbol.asyncIterator]();
    await stream.next();
    await stream.next();
    expect(input.pulls).toBe(2);
    await stream.return();
    const second = (await parts.next()).value!;
    expect(second.name).toBe('after');
    expect(await second.text()).toBe('x');
  });

  it('reads a part once, and not after the next part was asked for', async () => {
    const parts = parseMultipart(multipartEnviron(multipartBody([field('a', '1'), field('b', '2')])));
    const seen = [];
    for await (const part of parts) seen.push(part);
    await expect(seen[0]!.text()).rejects.toThrow(/part 1 was skipped/);
    const again = parseMultipart(multipartEnviron(multipartBody([field('a', '1')])));
    for await (const part of again) {
      expect(await part.text()).toBe('1');
      await expect(part.bytes()).rejects.toThrow(/already read/);
    }
    await expect(collect(again)).rejects.toThrow(/iterated once/);
  });

  it('sends a part to a WritableStream or a function sink, waiting on each write', async () => {
    const body = multipartBody([file('f', 'a.txt', 'hello world'), file('g', 'b.txt', 'second')]);
    const written: string[] = [];
    const decoder = new TextDecoder();
    const sink = new WritableStream<Uint8Array>({ write: (chunk) => void written.push(decoder.decode(chunk)) });
    let fnBytes = '';
    for await (const part of parseMultipart(multipartEnviron(body, CONTENT_TYPE, 3))) {
      if (part.name === 'f') expect(await part.pipeTo(sink)).toBe(11);
      else expect(await part.pipeTo(async (chunk) => void (fnBytes += decoder.decode(chunk)))).toBe(6);
    }
    expect(written.join('')).toBe('hello world');
    expect(fnBytes).toBe('second');
  });
});

describe('parseMultipart: temp files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-mp-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores small files in memory and large ones in a 0600 temp file that cleanup() removes', async () => {
    const large = new Uint8Array(300_000).map((_, i) => i % 251);
    const body = multipartBody([file('small', 's.txt', 'tiny'), file('large', 'l.bin', large), field('note', 'n')]);
    const parts = parseMultipart(multipartEnviron(body, CONTENT_TYPE, 8192), { fileMemoryThreshold: 100_000, tempDir: dir });
    const stored: StoredFile[] = [];
    for await (const part of parts) stored.push(await part.store());
    expect(stored.map((s) => [s.name, s.storage, s.size])).toEqual([
      ['small', 'memory', 4],
      ['large', 'disk', 300_000],
      ['note', 'memory', 1],
    ]);
    const onDisk = stored[1]!;
    expect(readdirSync(dir)).toHaveLength(1);
    expect(onDisk.path!.startsWith(dir)).toBe(true);
    expect(statSync(onDisk.path!).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await onDisk.bytes()).equals(Buffer.from(large))).toBe(true);
    let streamed = 0;
    for await (const chunk of onDisk.stream()) streamed += chunk.byteLength;
    expect(streamed).toBe(300_000);
    await parts.cleanup();
    expect(existsSync(onDisk.path!)).toBe(false);
    await parts.cleanup(); // twice is fine
  });

  it.each([
    ['the body ends early', (data: Uint8Array[]) => new CountingInput(data), 400],
    ['the client disconnects', disconnectingInput, 'ClientDisconnected'],
  ])('removes temp files at once when %s mid-part, with no unhandled rejection', async (_why, makeInput, expected) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const first = new Uint8Array(50_000).fill(7);
      const body = multipartBody([file('done', 'a.bin', first), file('cut', 'b.bin', new Uint8Array(200_000).fill(8))]);
      const cut = body.subarray(0, body.byteLength - 100_000);
      const parts = parseMultipart(multipartEnviron(makeInput(chunks(cut, 16_384))), { fileMemoryThreshold: 1000, tempDir: dir });
      const stored: StoredFile[] = [];
      const result = await outcome(
        (async () => {
          for await (const part of parts) stored.push(await part.store());
        })(),
      );
      expect(result).toBe(expected);
      expect(stored).toHaveLength(1);
      expect(readdirSync(dir)).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('keeps failing with the first error after one', async () => {
    const parts = parseMultipart(multipartEnviron(disconnectingInput([bytes('--XyZzy\r\nContent-Disposition: form-data; name="a"\r\n\r\nab')])));
    const iterator = parts[Symbol.asyncIterator]();
    const part = (await iterator.next()).value!;
    const error = await part.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientDisconnected);
    await expect(iterator.next()).rejects.toBe(error);
  });

  it('saveTo writes a part to a path, and removes it when the body fails', async () => {
    const body = multipartBody([file('f', 'a.txt', 'saved!')]);
    const target = join(dir, 'out.txt');
    for await (const part of parseMultipart(multipartEnviron(body))) expect(await part.saveTo(target)).toBe(6);
    expect(Buffer.from(await import('node:fs/promises').then((fs) => fs.readFile(target))).toString()).toBe('saved!');
    const cut = concat([bytes('--XyZzy\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n'), new Uint8Array(1000)]);
    const broken = join(dir, 'broken.txt');
    const result = outcome(
      (async () => {
        for await (const part of parseMultipart(multipartEnviron(cut))) await part.saveTo(broken);
      })(),
    );
    expect(await result).toBe(400);
    expect(existsSync(broken)).toBe(false);
  });
});
