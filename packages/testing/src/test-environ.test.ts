import { checkEnviron } from '@tsgi/lint';
import { buildEnviron, createEnviron, decodePath } from '@tsgi/testing';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('the environ has the gateway defaults and passes lint', () => {
  const { environ } = createEnviron('GET', '/');
  expect(environ).toMatchObject({
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    HTTP_HOST: 'localhost',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
  });
  expect(environ.CONTENT_LENGTH).toBeUndefined();
  expect(environ['wsgi.input_terminated']).toBeUndefined();
  expect(() => checkEnviron(environ)).not.toThrow();
});

test('PATH_INFO is percent-decoded to latin-1 characters; QUERY_STRING stays raw', () => {
  const { environ } = createEnviron('GET', '/caf%C3%A9/a%2Fb?q=%20x&y', { query: { z: 'a b' } });
  expect(environ.PATH_INFO).toBe('/caf\u00c3\u00a9/a/b');
  expect(environ.QUERY_STRING).toBe('q=%20x&y&z=a+b');
  // A raw non-ASCII character travels as UTF-8, like on the wire.
  expect(decodePath('/é')).toBe('/\u00c3\u00a9');
  expect(decodePath('/100%')).toBe('/100%');
  expect(createEnviron('GET', '/', { query: '?a=1' }).environ.QUERY_STRING).toBe('a=1');
});

test('headers become CONTENT_* and HTTP_* keys; repeats are joined', () => {
  const { environ } = createEnviron(
    'POST',
    '/',
    {
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-Forwarded-For', '1.1.1.1'],
        ['x-forwarded-for', '2.2.2.2'],
        ['Cookie', 'a=1'],
        ['Cookie', 'b=2'],
        ['Host', 'example.com'],
      ],
      body: 'hi',
    },
    undefined,
  );
  expect(environ.CONTENT_TYPE).toBe('text/plain');
  expect(environ.CONTENT_LENGTH).toBe('2');
  expect(environ.HTTP_X_FORWARDED_FOR).toBe('1.1.1.1, 2.2.2.2');
  expect(environ.HTTP_COOKIE).toBe('a=1; b=2');
  expect(environ.HTTP_HOST).toBe('example.com');
  expect(environ.HTTP_CONTENT_TYPE).toBeUndefined();
});

test('json sets the body, Content-Type and Content-Length', async () => {
  const { environ } = createEnviron('POST', '/', { json: { a: 'é' } });
  expect(environ.CONTENT_TYPE).toBe('application/json');
  expect(environ.CONTENT_LENGTH).toBe(String(Buffer.byteLength('{"a":"é"}')));
  expect(JSON.parse(text(await environ['wsgi.input'].read()))).toEqual({ a: 'é' });
});

test('a streamed body has no CONTENT_LENGTH and sets wsgi.input_terminated', async () => {
  async function* body() {
    yield new Uint8Array([1, 2]);
    yield new Uint8Array([3]);
  }
  const { environ } = createEnviron('PUT', '/', { body: body() });
  expect(environ.CONTENT_LENGTH).toBeUndefined();
  expect(environ['wsgi.input_terminated']).toBe(true);
  expect([...(await environ['wsgi.input'].read())]).toEqual([1, 2, 3]);
});

test('an explicit Content-Length limits what wsgi.input gives', async () => {
  const { environ } = createEnviron('POST', '/', { body: 'abcdef', headers: { 'Content-Length': '3' } });
  expect(text(await environ['wsgi.input'].read())).toBe('abc');
});

test('client and request environ keys are applied last', () => {
  const { environ } = createEnviron('GET', '/', { environ: { 'tsgi.b': 2 } }, { 'tsgi.a': 1, SCRIPT_NAME: '/app' });
  expect(environ['tsgi.a']).toBe(1);
  expect(environ['tsgi.b']).toBe(2);
  expect(environ.SCRIPT_NAME).toBe('/app');
});

test('buildEnviron, the old name, is still createEnviron for one minor', () => {
  expect(buildEnviron).toBe(createEnviron);
});
