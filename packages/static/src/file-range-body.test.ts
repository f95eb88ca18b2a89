import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRangeBody } from './file-range-body.js';

let dir: string;
let path: string;
const DATA = Buffer.from('0123456789abcdefghij');
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsgi-file-body-'));
  path = join(dir, 'data.txt');
  writeFileSync(path, DATA);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return chunks;
}

describe('FileRangeBody', () => {
  it('reads its parts in blocks at their positions, literal bytes in between', async () => {
    const handle = await open(path);
    const body = new FileRangeBody(handle, [{ start: 2, end: 8 }, Buffer.from('|'), { start: 15, end: 19 }], 3);
    const chunks = await collect(body);
    expect(chunks.map(String)).toEqual(['234', '567', '8', '|', 'fgh', 'ij']);
    await body.close();
  });

  it('close() closes the handle once; a second close is a no-op', async () => {
    const handle = await open(path);
    const body = new FileRangeBody(handle, [{ start: 0, end: 19 }], 4);
    await body.close();
    await body.close();
    expect(body.isClosed).toBe(true);
    await expect(handle.stat()).rejects.toThrow(/closed|EBADF/);
  });

  it('stops reading once closed in the middle', async () => {
    const handle = await open(path);
    const body = new FileRangeBody(handle, [{ start: 0, end: 19 }], 4);
    const iterator = body[Symbol.asyncIterator]();
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toBe('0123');
    await body.close();
    expect((await iterator.next()).done).toBe(true);
  });

  it('a file shorter than promised is an error, not a silent short body', async () => {
    const handle = await open(path);
    const body = new FileRangeBody(handle, [{ start: 10, end: 40 }], 8);
    await expect(collect(body)).rejects.toThrow(/ended at byte 20, before the 41/);
    await body.close();
  });
});
