/**
 * Property tests: any well-formed body parses back to its parts however it is cut
 * into chunks, and a mutated body gives the same answer whole or in pieces: the same
 * parts, or the same 400/413, never another error.
 */
import fc from 'fast-check';
import { isHttpError } from '@tsgi/core';
import { parseMultipart } from '../src/multipart/index.js';
import { baseName } from '../src/multipart/part-headers.js';
import { CountingInput, bytes, collect, concat, multipartBody, multipartEnviron, type RawPart, type SeenPart } from './multipart-fixtures.js';

const DELIMITER = '\r\n--XyZzy';
// Characters that make near-boundaries common.
const textOf = (max: number) => fc.string({ unit: fc.constantFrom('\r', '\n', '-', 'X', 'y', 'Z', 'z', 'a', ' ', 'é'), maxLength: max });

const partArb: fc.Arbitrary<RawPart & { name: string; filename: string | undefined; text: string }> = fc
  .record({
    name: fc.string({ unit: fc.constantFrom('a', 'b', 'ü', '-', ' '), minLength: 1, maxLength: 6 }),
    filename: fc.option(fc.string({ unit: fc.constantFrom('f', '.', 'x', 'ß'), minLength: 1, maxLength: 6 }), { nil: undefined }),
    text: textOf(60).filter((t) => !`${t}\r\n`.includes(DELIMITER) && !t.startsWith('--XyZzy')),
  })
  .map(({ name, filename, text }) => ({
    name,
    filename,
    text,
    headers: [`Content-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}`],
    content: text,
  }));

/** Cut points (sorted, distinct) turned into chunks. */
function cut(data: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (data.byteLength + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const point of [...at, data.byteLength]) {
    if (point > from) out.push(data.subarray(from, point));
    from = point;
  }
  return out;
}

// maxTotalSize is left out: it counts bytes as they arrive, so a chunk holding both a
// malformed spot and the byte past the limit gives 413 whole and 400 cut before it.
const LIMITS = { maxParts: 20, maxFieldSize: 400, maxFileSize: 300, maxHeaderSize: 200 };

/** The parts, or the status of the HttpError; anything else fails the test. */
async function answer(chunks: Uint8Array[]): Promise<SeenPart[] | number> {
  try {
    return await collect(parseMultipart(multipartEnviron(new CountingInput(chunks)), LIMITS));
  } catch (error) {
    if (!isHttpError(error) || (error.status !== 400 && error.status !== 413)) throw error;
    return error.status;
  }
}

describe('multipart fuzz', () => {
  it('parses any well-formed body back to its parts, cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(partArb, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), async (parts, points) => {
        const body = multipartBody(parts);
        const seen = await collect(parseMultipart(multipartEnviron(new CountingInput(cut(body, points)))));
        expect(seen.map((p) => [p.name, p.filename, p.text])).toEqual(parts.map((p) => [p.name, p.filename === undefined ? undefined : baseName(p.filename), p.text]));
      }),
      { numRuns: 300 },
    );
  });

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.constantFrom('\r\n', '\n', '\r', '--XyZzy', '\r\n--XyZzy\r\n', '\r\n--XyZzy--', '"', ';', ' ', '\x00', 'filename*=UTF-8\'\'%FF'),
    }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }), times: fc.integer({ min: 2, max: 30 }) }),
  );

  type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

  function mutate(body: Uint8Array, m: Mutation): Uint8Array {
    const at = m.at % (body.byteLength + 1);
    switch (m.kind) {
      case 'flip': {
        const copy = body.slice();
        if (at < copy.byteLength) copy[at] = m.byte;
        return copy;
      }
      case 'delete':
        return concat([body.subarray(0, at), body.subarray(at + m.length)]);
      case 'insert':
        return concat([body.subarray(0, at), bytes(m.text), body.subarray(at)]);
      case 'repeat': {
        const piece = body.subarray(at, at + m.length);
        return concat([body.subarray(0, at), ...Array<Uint8Array>(m.times).fill(piece), body.subarray(at)]);
      }
    }
  }

  it('answers a mutated body the same whole or cut in pieces: parts, or a 400/413', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(partArb, { minLength: 1, maxLength: 5 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        async (parts, mutations, points) => {
          let body = multipartBody(parts);
          for (const m of mutations) body = mutate(body, m);
          const whole = await answer([body]);
          const pieces = await answer(cut(body, points));
          expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
