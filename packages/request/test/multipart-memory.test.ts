/**
 * A 50 MB upload stored to a temp file keeps memory flat: the parser holds one input
 * chunk at a time, and `store()` writes each before the next is pulled. Memory is
 * sampled after a full GC every 160 chunks (10 MiB), so what is measured is what is kept.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseMultipart, type StoredFile } from '../src/multipart/index.js';
import { CountingInput, bytes, multipartEnviron } from './multipart-fixtures.js';

const FILE_SIZE = 50 * 1024 * 1024;
const CHUNK = 64 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function retained(): number {
  // Twice: array buffers freed by one GC are released while the next one sweeps.
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('multipart memory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-mp-memory-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a 50 MB file to a temp file, keeping well under a tenth of it in memory', async () => {
    const block = new Uint8Array(CHUNK).map((_, i) => (i * 7) % 251);
    let peak = 0;
    function* body(): Generator<Uint8Array> {
      yield bytes('--XyZzy\r\nContent-Disposition: form-data; name="video"; filename="big.bin"\r\n\r\n');
      for (let sent = 0, n = 0; sent < FILE_SIZE; sent += CHUNK, n++) {
        if (n % 160 === 0) peak = Math.max(peak, retained());
        // A new chunk each time, as from a socket: a parser that kept them would grow by the file size.
        yield block.slice();
      }
      yield bytes('\r\n--XyZzy--\r\n');
    }
    const before = retained();
    const parts = parseMultipart(multipartEnviron(new CountingInput(body())), { tempDir: dir });
    let stored: StoredFile | undefined;
    for await (const part of parts) stored = await part.store();
    expect(stored!.storage).toBe('disk');
    expect(stored!.size).toBe(FILE_SIZE);
    expect(statSync(stored!.path!).size).toBe(FILE_SIZE);
    expect(peak - before).toBeLessThan(FILE_SIZE / 10);
    await parts.cleanup();
  });
});
