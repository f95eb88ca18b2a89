import { onClose, type Application, type Body, type ResponseHeaders } from '@tsgi/core';
import crypto from 'node:crypto';
import { testClient, type RequestInit } from '@tsgi/testing';
import fc from 'fast-check';
import zlib from 'node:zlib';
import { gzip } from './index.js';

const TEXT = [['Content-Type', 'text/plain; charset=utf-8']] as ResponseHeaders;
const GZ = { headers: { 'Accept-Encoding': 'gzip' } };

function text(size: number, seed = 0): Buffer {
  const words = ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon\n'];
  let out = '';
  for (let i = 0; out.length < size; i++) out += words[(i * 7 + seed) % words.length];
  return Buffer.from(out.slice(0, size));
}

function decode(coding: string | undefined, bytes: Uint8Array): Buffer {
  if (coding === 'gzip') return zlib.gunzipSync(bytes);
  if (coding === 'deflate') return zlib.inflateSync(bytes);
  if (coding === 'br') return zlib.brotliDecompressSync(bytes);
  return Buffer.from(bytes);
}

/** An app answering with `chunks` as an array body, counting the body's close() calls. */
function arrayApp(chunks: Uint8Array[], headers: ResponseHeaders = TEXT, status = '200 OK') {
  const app = Object.assign(
    ((_environ, startResponse) => {
      startResponse(status, headers.map(([k, v]) => [k, v]));
      return onClose(chunks.slice() as Body, () => app.closed++);
    }) as Application,
    { closed: 0 },
  );
  return app;
}

/** An `async function*` app: startResponse runs at the first pull, as in most streaming apps. */
function streamApp(chunks: Uint8Array[], headers: ResponseHeaders = TEXT, status = '200 OK') {
  const state = { closed: 0, finished: 0, pulled: 0 };
  const app: Application = (_environ, startResponse) => {
    async function* body() {
      try {
        startResponse(status, headers.map(([k, v]) => [k, v]));
        for (const chunk of chunks) {
          state.pulled++;
          yield chunk;
        }
      } finally {
        state.finished++;
      }
    }
    return onClose(body(), () => state.closed++);
  };
  return Object.assign(app, { state });
}

describe('gzip() compression', () => {
  it('compresses an array body in one call, with the compressed Content-Length', async () => {
    const body = text(5000);
    const app = arrayApp([body.subarray(0, 2000), body.subarray(2000)]);
    const res = await testClient(gzip()(app)).get('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(res.header('content-length')).toBe(String(res.body.byteLength));
    expect(res.header('vary')).toBe('Accept-Encoding');
    expect(decode('gzip', res.body).equals(body)).toBe(true);
    expect(app.closed).toBe(1);
    expect(res.closeCalls).toBe(1);
  });

  it('streams an async body through zlib without a Content-Length', async () => {
    const chunks = [text(800, 1), text(800, 2), text(3000, 3)];
    const app = streamApp(chunks, [...TEXT, ['Content-Length', '4600']]);
    const res = await testClient(gzip()(app)).get('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(res.header('content-length')).toBeUndefined();
    expect(decode('gzip', res.body).equals(Buffer.concat(chunks))).toBe(true);
    expect(app.state).toEqual({ closed: 1, finished: 1, pulled: 3 });
  });

  it('collects a sync iterable body (it cannot wait on anything) and compresses it in one call', async () => {
    let closed = 0;
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      function* body() {
        yield text(800, 1);
        yield text(800, 2);
      }
      return onClose(body(), () => closed++);
    };
    const res = await testClient(gzip()(app)).get('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(res.header('content-length')).toBe(String(res.body.byteLength));
    expect(decode('gzip', res.body).equals(Buffer.concat([text(800, 1), text(800, 2)]))).toBe(true);
    expect(closed).toBe(1);
  });

  it('streams an async body once the threshold is crossed, without waiting for its end', async () => {
    const app = streamApp([text(300), text(300), text(300)]);
    const res = await testClient(gzip({ threshold: 500 })(app)).get('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(res.header('content-length')).toBeUndefined();
    expect(decode('gzip', res.body).equals(Buffer.concat([text(300), text(300), text(300)]))).toBe(true);
    expect(app.state.closed).toBe(1);
  });

  it('uses the best coding by q-value, server order breaking ties', async () => {
    const body = text(4000);
    const client = testClient(gzip({ encodings: ['gzip', 'br', 'deflate'] })(arrayApp([body])));
    const cases: Array<[string, string]> = [
      ['gzip, deflate, br', 'gzip'],
      ['br, deflate', 'br'],
      ['gzip;q=0.5, deflate;q=0.8', 'deflate'],
      ['x-gzip', 'gzip'],
      ['*', 'gzip'],
      ['*;q=0.1, br', 'br'],
    ];
    for (const [accept, coding] of cases) {
      const res = await client.get('/', { headers: { 'Accept-Encoding': accept } });
      expect([accept, res.header('content-encoding')]).toEqual([accept, coding]);
      expect(decode(coding, res.body).equals(body)).toBe(true);
    }
  });

  it('weakens a strong ETag and keeps a weak one', async () => {
    const body = text(2000);
    const strong = await testClient(gzip()(arrayApp([body], [...TEXT, ['ETag', '"v1"']]))).get('/', GZ);
    expect(strong.header('etag')).toBe('W/"v1"');
    const weak = await testClient(gzip()(arrayApp([body], [...TEXT, ['ETag', 'W/"v2"']]))).get('/', GZ);
    expect(weak.header('etag')).toBe('W/"v2"');
  });

  it('adds Accept-Encoding to an existing Vary once', async () => {
    const body = text(2000);
    const res = await testClient(gzip()(arrayApp([body], [...TEXT, ['Vary', 'Origin']]))).get('/', GZ);
    expect(res.headerValues('vary')).toEqual(['Origin, Accept-Encoding']);
    const again = await testClient(gzip()(arrayApp([body], [...TEXT, ['Vary', 'accept-encoding']]))).get('/', GZ);
    expect(again.headerValues('vary')).toEqual(['accept-encoding']);
  });

  it('does not edit a header list the app shares between responses', async () => {
    const shared: ResponseHeaders = [...TEXT, ['ETag', '"s"'], ['Vary', 'Origin'], ['Content-Length', '2000']];
    const snapshot = JSON.stringify(shared);
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', shared);
      return [text(2000)];
    };
    await testClient(gzip()(app)).get('/', GZ);
    expect(JSON.stringify(shared)).toBe(snapshot);
  });
});

describe('gzip() skip rules', () => {
  const big = text(4000);

  async function expectUntouched(app: Application, init: RequestInit = GZ, method = 'GET') {
    const res = await testClient(gzip()(app)).request(method, '/', init);
    expect(res.header('content-encoding') ?? '').not.toMatch(/gzip|br|deflate/);
    return res;
  }

  it('leaves bodies of known length under the threshold alone (array, sync iterable, Content-Length) but adds Vary', async () => {
    const small = text(1000);
    const syncApp: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return new Set([small.subarray(0, 500), small.subarray(500)]);
    };
    for (const app of [arrayApp([small]), syncApp]) {
      const res = await expectUntouched(app);
      expect(Buffer.from(res.body).equals(small)).toBe(true);
      expect(res.header('vary')).toBe('Accept-Encoding');
    }
    // Content-Length below threshold decides at once: the stream is never buffered.
    const app = streamApp([small], [...TEXT, ['Content-Length', '1000']]);
    const res = await expectUntouched(app);
    expect(res.header('content-length')).toBe('1000');
    expect(res.header('vary')).toBe('Accept-Encoding');
    expect(app.state.closed).toBe(1);
  });

  it('compresses a small async stream of unknown length: the threshold needs a known length', async () => {
    const small = text(300);
    const app = streamApp([small.subarray(0, 100), small.subarray(100)]);
    const res = await testClient(gzip()(app)).request('GET', '/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(res.header('content-length')).toBeUndefined();
    expect(zlib.gunzipSync(res.body).equals(small)).toBe(true);
    expect(app.state.closed).toBe(1);
  });

  it('returns the inner array body itself when it changes nothing', async () => {
    const inner = [text(10)];
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return inner;
    };
    const environ = { REQUEST_METHOD: 'GET', HTTP_ACCEPT_ENCODING: 'gzip' } as never;
    const out = gzip()(app)(environ, () => () => {});
    expect(out).toBe(inner);
  });

  it('skips 204, 304 and partial content', async () => {
    for (const status of ['204 No Content', '304 Not Modified']) {
      // With a compressible Content-Type, so that only the status can make gzip skip
      // it; lint refuses that header on these statuses (headers.no-content), so the
      // client runs without it here.
      const app = arrayApp([], TEXT, status);
      const res = await testClient(gzip()(app), { lint: false }).get('/', GZ);
      expect(res.header('content-encoding')).toBeUndefined();
      expect(res.header('vary')).toBeUndefined();
      expect(app.closed).toBe(1);
    }
    const partial = arrayApp([big], [...TEXT, ['Content-Range', 'bytes 0-3999/8000']], '206 Partial Content');
    expect((await expectUntouched(partial)).body.byteLength).toBe(4000);
  });

  it('skips a response that already has a Content-Encoding', async () => {
    const encoded = zlib.gzipSync(big);
    const app = arrayApp([encoded], [...TEXT, ['Content-Encoding', 'gzip']]);
    const res = await testClient(gzip()(app)).get('/', { headers: { 'Accept-Encoding': 'br' } });
    expect(res.headerValues('content-encoding')).toEqual(['gzip']);
    expect(res.header('vary')).toBeUndefined();
    expect(Buffer.from(res.body).equals(encoded)).toBe(true);
  });

  it('skips Cache-Control: no-transform', async () => {
    const res = await expectUntouched(arrayApp([big], [...TEXT, ['Cache-Control', 'public, No-Transform']]));
    expect(res.header('vary')).toBeUndefined();
  });

  it('skips media types the filter turns down, and uses a custom filter', async () => {
    const png = arrayApp([big], [['Content-Type', 'image/png']]);
    expect((await expectUntouched(png)).header('vary')).toBeUndefined();
    const none = arrayApp([big], []);
    await expectUntouched(none);
    const custom = gzip({ filter: (type, environ) => type === 'image/png' && environ.PATH_INFO === '/' });
    const res = await testClient(custom(png)).get('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
  });

  it('skips clients that send no Accept-Encoding or prefer identity, with Vary', async () => {
    for (const init of [{}, { headers: { 'Accept-Encoding': '' } }, { headers: { 'Accept-Encoding': 'gzip;q=0.2, identity;q=0.9' } }]) {
      const res = await expectUntouched(arrayApp([big]), init);
      expect(res.header('vary')).toBe('Accept-Encoding');
    }
  });

  it('answers HEAD with the headers of GET and leaves the body alone', async () => {
    const client = testClient(gzip()(arrayApp([big], [...TEXT, ['ETag', '"h"'], ['Content-Length', '4000']])));
    const get = await client.get('/', GZ);
    const head = await client.head('/', GZ);
    expect(head.body.byteLength).toBe(0);
    for (const name of ['content-encoding', 'vary', 'etag', 'content-type']) {
      expect([name, head.header(name)]).toEqual([name, get.header(name)]);
    }
    const stream = streamApp([big]);
    const res = await testClient(gzip()(stream)).head('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(stream.state.closed).toBe(1);
  });
});

describe('gzip() 406', () => {
  it('answers 406 when identity and every offered coding are refused', async () => {
    for (const accept of ['identity;q=0', '*;q=0', 'compress, identity;q=0', 'gzip;q=0, *;q=0']) {
      const app = arrayApp([text(4000)]);
      const res = await testClient(gzip()(app)).get('/', { headers: { 'Accept-Encoding': accept } });
      expect([accept, res.status]).toEqual([accept, 406]);
      expect(res.header('vary')).toBe('Accept-Encoding');
      expect(app.closed).toBe(1);
    }
    const stream = streamApp([text(4000)]);
    const res = await testClient(gzip()(stream)).get('/', { headers: { 'Accept-Encoding': 'identity;q=0' } });
    expect(res.status).toBe(406);
    expect(stream.state.closed).toBe(1);
  });

  it('compresses even a small body when identity is refused but a coding is not', async () => {
    const res = await testClient(gzip()(arrayApp([text(10)]))).get('/', {
      headers: { 'Accept-Encoding': 'gzip, identity;q=0' },
    });
    expect(res.header('content-encoding')).toBe('gzip');
    expect(decode('gzip', res.body).toString()).toBe(text(10).toString());
  });

  it('does not refuse a response it would not compress anyway', async () => {
    const res = await testClient(gzip()(arrayApp([text(4000)], [['Content-Type', 'image/png']]))).get('/', {
      headers: { 'Accept-Encoding': 'identity;q=0' },
    });
    expect(res.status).toBe(200);
  });
});

describe('gzip() close()', () => {
  it('closes the inner body once when the app body fails mid-stream', async () => {
    const state = { closed: 0, finished: 0 };
    const app: Application = (_e, startResponse) => {
      async function* body() {
        try {
          startResponse('200 OK', TEXT);
          yield text(2000);
          yield text(2000);
          throw new Error('boom');
        } finally {
          state.finished++;
        }
      }
      return onClose(body(), () => state.closed++);
    };
    await expect(testClient(gzip()(app)).get('/', GZ)).rejects.toThrow('boom');
    expect(state).toEqual({ closed: 1, finished: 1 });
  });

  it('closes the inner body once and ends its iterator when the client stops early', async () => {
    const chunks = Array.from({ length: 50 }, () => crypto.randomBytes(4096));
    const app = streamApp(chunks, [['Content-Type', 'application/octet-stream']]);
    const res = await testClient(gzip({ filter: () => true })(app), { maxResponseBytes: 1000 }).get('/', GZ);
    expect(res.truncated).toBe(true);
    expect(app.state.closed).toBe(1);
    expect(app.state.finished).toBe(1);
    expect(app.state.pulled).toBeLessThan(50);
  });
});

describe('gzip() round trips (fast-check)', () => {
  const codings = ['gzip', 'deflate', 'br'] as const;
  const chunkLists = fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 8 });

  it.each(codings)('%s: random bodies and chunkings decompress to the original, streamed and one-shot', async (coding) => {
    const mw = gzip({ threshold: 0, encodings: [coding], filter: () => true });
    await fc.assert(
      fc.asyncProperty(chunkLists, fc.boolean(), async (chunks, streamed) => {
        const app = streamed ? streamApp(chunks) : arrayApp(chunks);
        const res = await testClient(mw(app)).get('/', { headers: { 'Accept-Encoding': coding } });
        expect(res.header('content-encoding')).toBe(coding);
        expect(decode(coding, res.body).equals(Buffer.concat(chunks))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('streams past oneShotLimit and with flush, and still round-trips', async () => {
    for (const coding of codings) {
      const mw = gzip({ encodings: [coding], oneShotLimit: 1000, flush: true });
      const chunks = [text(700, 1), text(700, 2), text(5000, 3)];
      const res = await testClient(mw(arrayApp(chunks))).get('/', { headers: { 'Accept-Encoding': coding } });
      expect(res.header('content-length')).toBeUndefined();
      expect(decode(coding, res.body).equals(Buffer.concat(chunks))).toBe(true);
    }
  });
});

describe('gzip() and the legacy write()', () => {
  it('compresses what the app wrote before its body, and what it writes while its body streams, in order', async () => {
    const app: Application = (_e, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      write(text(800, 1));
      return (async function* () {
        yield text(800, 2);
        write(text(800, 3));
        yield text(800, 4);
      })();
    };
    const res = await testClient(gzip()(app)).get('/', GZ);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(decode('gzip', res.body).equals(Buffer.concat([1, 2, 3, 4].map((seed) => text(800, seed))))).toBe(true);
  });

  it('a small written response of known length goes as it is, writes first', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT)(Buffer.from('written;'));
      return [Buffer.from('returned')];
    };
    const res = await testClient(gzip()(app)).get('/', GZ);
    expect(res.header('content-encoding')).toBeUndefined();
    expect([res.text, res.header('vary')]).toEqual(['written;returned', 'Accept-Encoding']);
  });
});

describe('gzip() and excInfo', () => {
  it('a head replaced with excInfo before any byte went out is compressed like the body it heads', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return (async function* () {
        // An error before the first byte: a handler inside the app answers instead (PEP 3333).
        startResponse('500 Internal Server Error', [...TEXT, ['Content-Length', '99']], new Error('late'));
        yield text(2000, 9);
      })();
    };
    const res = await testClient(gzip()(app)).get('/', GZ);
    expect(res.status).toBe(500);
    expect(res.header('content-encoding')).toBe('gzip');
    expect(res.header('content-length')).toBeUndefined();
    expect(decode('gzip', res.body).equals(text(2000, 9))).toBe(true);
  });
});
