import { BodyInputStream } from '@tsgi/testing';
import fc from 'fast-check';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('read(size) fills across chunks and gives an empty array at the end', async () => {
  const input = new BodyInputStream([bytes('ab'), bytes('cd'), bytes('e')]);
  expect(text(await input.read(3))).toBe('abc');
  expect(text(await input.read())).toBe('de');
  expect((await input.read()).byteLength).toBe(0);
  expect((await input.read(5)).byteLength).toBe(0);
});

test('readline splits at \\n across chunks and honours size', async () => {
  const input = new BodyInputStream([bytes('one\ntw'), bytes('o\nthree')]);
  expect(text(await input.readline())).toBe('one\n');
  expect(text(await input.readline(2))).toBe('tw');
  expect(text(await input.readline())).toBe('o\n');
  expect(text(await input.readline())).toBe('three');
  expect((await input.readline()).byteLength).toBe(0);
});

test('readlines reads to the end, or stops once hint bytes were read', async () => {
  expect((await new BodyInputStream([bytes('a\nb\nc')]).readlines()).map(text)).toEqual(['a\n', 'b\n', 'c']);
  expect((await new BodyInputStream([bytes('aa\nbb\ncc\n')]).readlines(4)).map(text)).toEqual(['aa\n', 'bb\n']);
});

test('never reads past the limit, and stops the source there', async () => {
  let pulled = 0;
  let stopped = false;
  function* source() {
    try {
      for (;;) {
        pulled++;
        yield bytes('0123456789');
      }
    } finally {
      stopped = true;
    }
  }
  const input = new BodyInputStream(source(), 15);
  const all: string[] = [];
  for await (const chunk of input) all.push(text(chunk));
  expect(all.join('')).toBe('012345678901234');
  expect(pulled).toBe(2);
  expect(stopped).toBe(true);
  expect((await input.read()).byteLength).toBe(0);
});

test('pulls from the source only when the app reads', async () => {
  let pulled = 0;
  async function* source() {
    for (let i = 0; i < 3; i++) {
      pulled++;
      yield bytes('xx');
    }
  }
  const input = new BodyInputStream(source());
  expect(pulled).toBe(0);
  await input.read(1);
  expect(pulled).toBe(1);
});

test('any chunking and any read sizes give back the same bytes, cut at the limit (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 8 }),
      fc.array(fc.oneof(fc.integer({ min: 1, max: 25 }), fc.constant(undefined)), { minLength: 1, maxLength: 10 }),
      fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
      fc.boolean(),
      async (chunks, sizes, limit, lines) => {
        const all = Buffer.concat(chunks);
        const expected = limit === undefined ? all : all.subarray(0, limit);
        const input = new BodyInputStream(chunks, limit);
        const got: Uint8Array[] = [];
        // Bounded: every round reads at least one byte or hits the end.
        for (let round = 0; round < 500; round++) {
          const size = sizes[round % sizes.length];
          const chunk = lines ? await input.readline(size) : await input.read(size);
          if (chunk.byteLength === 0) break;
          got.push(chunk);
        }
        expect(Buffer.concat(got).equals(expected)).toBe(true);
      },
    ),
    { numRuns: 200 },
  );
});
