import fc from 'fast-check';
import { StreamInput } from './stream-input.js';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    parts.push(bytes.subarray(start, p));
    start = p;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const bytesArb = fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => (x % 7 === 0 ? 10 : x)));

describe('StreamInput', () => {
  test('read(size) in any sizes gives the bytes back in order, however the stream cuts them', async () => {
    await fc.assert(
      fc.asyncProperty(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), async (bytes, cuts, sizes) => {
        const input = new StreamInput(streamOf(split(bytes, cuts)));
        let out = '';
        for (let i = 0; ; i++) {
          const size = sizes[i % sizes.length]!;
          const chunk = await input.read(size);
          if (chunk.byteLength === 0) break;
          expect(chunk.byteLength).toBeLessThanOrEqual(size);
          out += text(chunk);
        }
        expect(out).toBe(text(bytes));
      }),
    );
  });

  test('readlines() splits after each \\n, as Python does', async () => {
    await fc.assert(
      fc.asyncProperty(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
        const lines = (await new StreamInput(streamOf(split(bytes, cuts))).readlines()).map(text);
        const expected = text(bytes).split(/(?<=\n)/).filter((l) => l !== '');
        expect(lines).toEqual(expected);
      }),
    );
  });

  test('readline(size) stops at size; iteration yields the rest', async () => {
    const input = new StreamInput(streamOf([Buffer.from('abcdef\nxy'), Buffer.from('z\n')]));
    expect(text(await input.readline(3))).toBe('abc');
    expect(text(await input.readline())).toBe('def\n');
    const rest: string[] = [];
    for await (const chunk of input) rest.push(text(chunk));
    expect(rest.join('')).toBe('xyz\n');
    expect((await input.read()).byteLength).toBe(0);
  });

  test('never reads past the content length', async () => {
    const input = new StreamInput(streamOf([Buffer.from('12345'), Buffer.from('6789')]), 7);
    expect(text(await input.read())).toBe('1234567');
    expect((await input.read()).byteLength).toBe(0);
  });

  test('readlines(hint) stops once hint bytes were read', async () => {
    const input = new StreamInput(streamOf([Buffer.from('a\nb\nc\n')]));
    expect((await input.readlines(3)).map(text)).toEqual(['a\n', 'b\n']);
  });

  test('a null body reads as empty', async () => {
    const input = new StreamInput(null);
    expect((await input.read()).byteLength).toBe(0);
    expect(await input.readlines()).toEqual([]);
  });
});
