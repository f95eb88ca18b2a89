import fc from 'fast-check';
import { PullInputStream, concatBytes } from '@tsgi/core';

class ChunkInput extends PullInputStream {
  pulls = 0;
  constructor(private readonly chunks: Uint8Array[]) {
    super();
  }
  protected async pullChunk(): Promise<Uint8Array | null> {
    this.pulls++;
    return this.chunks.shift() ?? null;
  }
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const input = (...parts: string[]) => new ChunkInput(parts.map((p) => Buffer.from(p, 'latin1')));

test('read(size) joins chunks and keeps the rest for the next read', async () => {
  const stream = input('ab', 'cde', 'f');
  expect(text(await stream.read(3))).toBe('abc');
  expect(text(await stream.read(1))).toBe('d');
  expect(text(await stream.read())).toBe('ef');
  expect((await stream.read()).byteLength).toBe(0);
  expect((await stream.read(0)).byteLength).toBe(0);
});

test('read(0) pulls nothing from the source', async () => {
  const stream = input('abc');
  await stream.read(0);
  expect(stream.pulls).toBe(0);
});

test('readline splits on LF across chunks and honours size', async () => {
  const stream = input('one\ntw', 'o\n', 'three');
  expect(text(await stream.readline())).toBe('one\n');
  expect(text(await stream.readline(2))).toBe('tw');
  expect(text(await stream.readline())).toBe('o\n');
  expect(text(await stream.readline())).toBe('three');
  expect((await stream.readline()).byteLength).toBe(0);
});

test('readlines stops once hint bytes were read', async () => {
  expect((await input('a\nb\nc\n').readlines()).map(text)).toEqual(['a\n', 'b\n', 'c\n']);
  expect((await input('a\nb\nc\n').readlines(3)).map(text)).toEqual(['a\n', 'b\n']);
});

test('async iteration hands chunks on without copying', async () => {
  const chunk = Buffer.from('xyz');
  const stream = new ChunkInput([chunk]);
  const seen: Uint8Array[] = [];
  for await (const part of stream) seen.push(part);
  expect(seen).toEqual([chunk]);
  expect(seen[0]!.buffer).toBe(chunk.buffer);
});

test('any chunking and any mix of reads gives back the same bytes (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 20 }), { maxLength: 8 }),
      fc.array(fc.oneof(fc.nat(25).map((n) => ['read', n] as const), fc.nat(25).map((n) => ['readline', n] as const)), {
        maxLength: 12,
      }),
      async (chunks, reads) => {
        const expected = concatBytes(chunks);
        const stream = new ChunkInput(chunks.slice());
        const got: Uint8Array[] = [];
        for (const [kind, size] of reads) {
          const part = await stream[kind](size);
          expect(part.byteLength).toBeLessThanOrEqual(size);
          got.push(part);
        }
        got.push(await stream.read());
        expect(Buffer.from(concatBytes(got))).toEqual(Buffer.from(expected));
      },
    ),
  );
});
