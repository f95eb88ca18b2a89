import { HttpError, readBody, type Environ, type InputStream } from '@tsgi/core';

function input(chunks: string[]): InputStream & { pulled: number } {
  const encoder = new TextEncoder();
  const stream = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) {
        stream.pulled++;
        yield encoder.encode(chunk);
      }
    },
  };
  return stream as unknown as InputStream & { pulled: number };
}

const env = (chunks: string[], contentLength?: string) =>
  ({ 'wsgi.input': input(chunks), CONTENT_LENGTH: contentLength }) as unknown as Environ;

test('readBody joins the chunks', async () => {
  const body = await readBody(env(['ab', 'cd', 'e']));
  expect(new TextDecoder().decode(body)).toBe('abcde');
});

test('readBody refuses with 413 before reading when CONTENT_LENGTH is over the limit', async () => {
  const environ = env(['x'.repeat(20)], '20');
  const error = await readBody(environ, { limit: 10 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).status).toBe(413);
  expect((environ['wsgi.input'] as unknown as { pulled: number }).pulled).toBe(0);
});

test('readBody refuses with 413 as soon as a chunked body passes the limit', async () => {
  const environ = env(['12345', '67890', 'abc', 'never']);
  await expect(readBody(environ, { limit: 12 })).rejects.toMatchObject({ status: 413 });
  expect((environ['wsgi.input'] as unknown as { pulled: number }).pulled).toBe(3);
});

test('HttpError hides server error messages from toJSON', () => {
  expect(new HttpError(500, 'db password wrong').toJSON()).toEqual({ status: 500, message: 'Internal Server Error' });
  expect(new HttpError(413).toJSON()).toEqual({ status: 413, message: 'Content Too Large' });
  expect(() => new HttpError(200)).toThrow(RangeError);
});
