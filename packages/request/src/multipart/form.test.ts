import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMultipartForm } from './index.js';
import { bytes, concat, field, file, multipartBody, multipartEnviron } from '../../test/multipart-fixtures.js';

describe('readMultipartForm', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-mp-form-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const body = multipartBody([
    field('tag', 'a'),
    file('doc', 'a.txt', 'first'),
    field('tag', 'b'),
    file('doc', 'b.txt', 'x'.repeat(2000)),
    field('title', 'T'),
  ]);

  it('collects fields by name and stores files (memory or temp file), in body order', async () => {
    const form = await readMultipartForm(multipartEnviron(body), { fileMemoryThreshold: 1000, tempDir: dir });
    expect(form.get('tag')).toBe('a');
    expect(form.getAll('tag')).toEqual(['a', 'b']);
    expect(form.get('missing')).toBeUndefined();
    expect(form.fields).toEqual([
      ['tag', 'a'],
      ['tag', 'b'],
      ['title', 'T'],
    ]);
    expect(await form.file('doc')!.text()).toBe('first');
    expect(form.getFiles('doc').map((f) => [f.filename, f.storage])).toEqual([
      ['a.txt', 'memory'],
      ['b.txt', 'disk'],
    ]);
    expect(readdirSync(dir)).toHaveLength(1);
    await form.cleanup();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('sends the files onFile chooses to its WritableStream, and stores the others', async () => {
    const received: string[] = [];
    const decoder = new TextDecoder();
    const form = await readMultipartForm(multipartEnviron(body, undefined, 7), {
      onFile: (part) =>
        part.filename === 'b.txt' ? new WritableStream<Uint8Array>({ write: (chunk) => void received.push(decoder.decode(chunk)) }) : undefined,
    });
    expect(received.join('')).toBe('x'.repeat(2000));
    expect(form.files.map((f) => [f.filename, f.storage, f.size])).toEqual([
      ['a.txt', 'memory', 5],
      ['b.txt', 'sink', 2000],
    ]);
  });

  it('removes the temp files of stored parts when a later part is refused', async () => {
    const tooMany = concat([multipartBody([file('doc', 'big.bin', 'y'.repeat(5000))]).subarray(0, -9), bytes('--XyZzy\r\n\r\n\r\n--XyZzy--')]);
    await expect(readMultipartForm(multipartEnviron(tooMany), { fileMemoryThreshold: 100, tempDir: dir })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/part 2: no Content-Disposition/),
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('checks onFile once', async () => {
    await expect(readMultipartForm(multipartEnviron(body), { onFile: 'sink' as never })).rejects.toThrow(
      new TypeError('readMultipartForm: onFile must be a function returning a sink or undefined, got string'),
    );
  });
});
