import { HttpError, PullInputStream } from '@tsgi/core';
import { ClientDisconnected } from '@tsgi/core/gateway';
import { KeptBody } from './kept-body.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (data: Uint8Array): string => new TextDecoder().decode(data);

/** A source that gives `chunks` one by one, counting what was pulled, optionally failing after them. */
class Source extends PullInputStream {
  pulled = 0;
  constructor(
    private readonly chunks: Uint8Array[],
    private readonly failAtEnd?: Error,
  ) {
    super();
  }
  protected async pullChunk(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk === undefined) {
      if (this.failAtEnd) throw this.failAtEnd;
      return null;
    }
    this.pulled += chunk.byteLength;
    return chunk;
  }
}

test('reads the whole body once and keeps it: a second read pulls nothing more', async () => {
  const source = new Source([bytes('hello '), bytes('world')]);
  const body = new KeptBody(source, undefined);
  expect(decode(await body.upTo(100, 'bytes()'))).toBe('hello world');
  expect(source.pulled).toBe(11);
  expect(decode(await body.upTo(100, 'text()'))).toBe('hello world');
  expect(body.complete).toBe(true);
});

test('a declared length over the limit is a 413 before anything is read', async () => {
  const source = new Source([bytes('x'.repeat(50))]);
  const body = new KeptBody(source, '50');
  await expect(body.upTo(10, 'json()')).rejects.toThrow(
    new HttpError(413, "the request body of 50 bytes is over json()'s limit of 10 bytes; pass { limit } to accept more"),
  );
  expect(source.pulled).toBe(0);
});

test('a chunked body is refused once past the limit, by no more than the chunk that crossed it; a larger limit goes on from there', async () => {
  const chunks = Array.from({ length: 10 }, (_, i) => bytes(String(i).repeat(4)));
  const source = new Source(chunks.slice());
  const body = new KeptBody(source, undefined);
  await expect(body.upTo(10, 'json()')).rejects.toMatchObject({ status: 413, message: "the request body is over json()'s limit of 10 bytes; pass { limit } to accept more" });
  expect(source.pulled).toBe(12); // three chunks of 4: the third crossed 10
  expect(decode(await body.upTo(40, 'bytes()'))).toBe(chunks.map(decode).join(''));
  expect(source.pulled).toBe(40);
});

test('the replay gives the whole body from its first byte, after a read and before one', async () => {
  const body = new KeptBody(new Source([bytes('ab'), bytes('cd'), bytes('ef')]), '6');
  await body.upTo(6, 'bytes()');
  expect(decode(await body.replay.read())).toBe('abcdef');
  expect((await body.replay.read()).byteLength).toBe(0);

  const fresh = new KeptBody(new Source([bytes('line 1\nline 2\n')]), undefined);
  const lines = await fresh.replay.readlines();
  expect(lines.map(decode)).toEqual(['line 1\n', 'line 2\n']);
});

test('after a 413 the replay gives the kept bytes and then the rest; the readers then say the body is gone', async () => {
  const source = new Source([bytes('1234'), bytes('5678'), bytes('9')]);
  const body = new KeptBody(source, undefined);
  await expect(body.upTo(3, 'json()')).rejects.toMatchObject({ status: 413 });
  expect(decode(await body.replay.read())).toBe('123456789');
  await expect(body.upTo(100, 'text()')).rejects.toThrow(/text\(\): the request body is gone: the app read environ\['wsgi.input'\] past the 4 bytes kept/);
});

test('a client that leaves mid-body: the read rejects with ClientDisconnected, and so does every later one', async () => {
  const gone = new ClientDisconnected();
  const body = new KeptBody(new Source([bytes('{"a":')], gone), '100');
  await expect(body.upTo(1000, 'json()')).rejects.toBe(gone);
  await expect(body.upTo(1000, 'text()')).rejects.toBe(gone);
  await expect(body.replay.read()).rejects.toBe(gone);
  expect(body.complete).toBe(false);
});

test('concurrent reads take turns and get the same bytes', async () => {
  const source = new Source([bytes('a'), bytes('b'), bytes('c')]);
  const body = new KeptBody(source, undefined);
  const [one, two, three] = await Promise.all([body.upTo(10, 'json()'), body.upTo(10, 'text()'), body.replay.read()]);
  expect([decode(one), decode(two), decode(three)]).toEqual(['abc', 'abc', 'abc']);
  expect(source.pulled).toBe(3);
});

test('reads on to the end of the source, so the gateway sees the body end', async () => {
  let pulls = 0;
  class Counting extends PullInputStream {
    protected async pullChunk(): Promise<Uint8Array | null> {
      pulls++;
      return pulls === 1 ? bytes('0123456789') : null;
    }
  }
  const body = new KeptBody(new Counting(), '10');
  await body.upTo(10, 'json()');
  expect(pulls).toBe(2);
  expect(body.complete).toBe(true);
});
