import { gunzipSync } from 'node:zlib';
import { lint } from '@tsgi/lint';
import type { Application } from '@tsgi/core';
import { toLambda, type LambdaHttpResult } from '../src/index.js';
import { app, BINARY, LONG_TEXT } from './app.js';
import { events } from './fixtures.js';

const handler = toLambda(app, { errors: () => {} });

function json(result: LambdaHttpResult): Record<string, string | undefined> {
  expect(result.isBase64Encoded).toBe(false);
  return JSON.parse(result.body) as Record<string, string | undefined>;
}

describe('toLambda: environ from each event kind', () => {
  test('REST API (1.0): stage from requestContext.path becomes SCRIPT_NAME; multi-value query and headers; base64 body', async () => {
    const seen = json(await handler(events.v1()));
    expect(seen).toMatchObject({
      method: 'POST',
      scriptName: '/prod',
      pathInfo: '/items/café',
      requestUri: '/prod/items/caf%C3%A9?q=a%20b&tag=x&tag=y',
      query: 'q=a%20b&tag=x&tag=y',
      remoteAddr: '198.51.100.7',
      scheme: 'https',
      serverName: 'abc123.execute-api.us-east-1.amazonaws.com',
      serverPort: '443',
      cookie: 'a=1; b=2',
      accept: 'text/plain, application/json',
      contentType: 'application/json',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      body: '{"name":"café"}',
    });
  });

  test('HTTP API (2.0): a named stage leads rawPath and moves to SCRIPT_NAME; cookies joined back into Cookie', async () => {
    const seen = json(await handler(events.v2()));
    expect(seen).toMatchObject({
      scriptName: '/dev',
      pathInfo: '/items/42',
      query: 'q=a%20b&tag=x&tag=y',
      remoteAddr: '205.255.255.176',
      cookie: 'a=1; b=2',
      contentLength: '16',
      requestId: 'JKJaXmPLvHcESHA=',
      body: '{"name":"café"}',
    });
  });

  test('HTTP API on $default: nothing is moved', async () => {
    const event = events.v2();
    event.rawPath = '/dev/items/42';
    event.requestContext.stage = '$default';
    expect(json(await handler(event))).toMatchObject({ scriptName: '', pathInfo: '/dev/items/42' });
  });

  test('Function URL: no stage, host of the URL, base64 body', async () => {
    const seen = json(await handler(events.functionUrl()));
    expect(seen).toMatchObject({
      scriptName: '',
      pathInfo: '/items/42',
      host: 'abcdefg.lambda-url.us-east-1.on.aws',
      remoteAddr: '203.0.113.9',
      body: '{"name":"café"}',
    });
  });

  test('ALB: query values as sent, REMOTE_ADDR is the last X-Forwarded-For hop, scheme from X-Forwarded-Proto', async () => {
    const seen = json(await handler(events.alb()));
    expect(seen).toMatchObject({
      query: 'q=a%20b&tag=y',
      remoteAddr: '72.12.164.125',
      scheme: 'http',
      serverPort: '80',
      cookie: 'a=1; b=2',
      body: '{"name":"café"}',
    });
  });

  test('ALB with multi-value headers: every value and parameter kept', async () => {
    const seen = json(await handler(events.albMulti()));
    expect(seen).toMatchObject({ query: 'q=a%20b&tag=x&tag=y', accept: 'text/plain, application/json', body: '{"name":"café"}' });
  });

  test('scriptName moves a custom-domain mapping to SCRIPT_NAME when no stage is in the path', async () => {
    const event = events.functionUrl();
    event.rawPath = '/api/items/42';
    const seen = json(await toLambda(app, { scriptName: '/api' })(event));
    expect(seen).toMatchObject({ scriptName: '/api', pathInfo: '/items/42' });
    event.rawPath = '/apix/items';
    expect(json(await toLambda(app, { scriptName: '/api' })(event))).toMatchObject({ scriptName: '', pathInfo: '/apix/items' });
  });

  test('basePath, the old name of scriptName, still mounts for one minor', async () => {
    const event = events.functionUrl();
    event.rawPath = '/api/items/42';
    expect(json(await toLambda(app, { basePath: '/api' })(event))).toMatchObject({ scriptName: '/api', pathInfo: '/items/42' });
    expect(json(await toLambda(app, { basePath: '/api', scriptName: '/api' })(event))).toMatchObject({ scriptName: '/api' });
  });
});

describe('toLambda: results in the shape each kind expects', () => {
  test('2.0: Set-Cookie values in cookies, other headers in headers', async () => {
    const result = await handler(events.v2());
    expect(result.statusCode).toBe(200);
    expect(result.cookies).toEqual(['session=s1; Path=/; HttpOnly', 'theme=dark; Path=/']);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(result.headers?.['set-cookie']).toBeUndefined();
    expect(result.multiValueHeaders).toBeUndefined();
  });

  test('1.0: multiValueHeaders with both cookies', async () => {
    const result = await handler(events.v1());
    expect(result.multiValueHeaders?.['set-cookie']).toEqual(['session=s1; Path=/; HttpOnly', 'theme=dark; Path=/']);
    expect(result.multiValueHeaders?.['content-type']).toEqual(['application/json']);
    expect(result.headers).toBeUndefined();
    expect(result.statusDescription).toBeUndefined();
  });

  test('ALB without multi-value headers: cookies under distinct casings, statusDescription set', async () => {
    const result = await handler(events.alb());
    expect(result.statusDescription).toBe('200 OK');
    const cookieKeys = Object.keys(result.headers ?? {}).filter((name) => name.toLowerCase() === 'set-cookie');
    expect(cookieKeys).toHaveLength(2);
    expect(new Set(cookieKeys).size).toBe(2);
    expect(cookieKeys.map((name) => result.headers?.[name]).sort()).toEqual(['session=s1; Path=/; HttpOnly', 'theme=dark; Path=/']);
  });

  test('ALB with multi-value headers answers with multiValueHeaders', async () => {
    const result = await handler(events.albMulti());
    expect(result.multiValueHeaders?.['set-cookie']).toHaveLength(2);
    expect(result.headers).toBeUndefined();
  });

  test.each(['v1', 'v2', 'functionUrl', 'alb', 'albMulti'] as const)('%s: a binary body goes out as base64 and decodes to the same bytes', async (kind) => {
    const event = events[kind]();
    Object.assign(event, { body: null, isBase64Encoded: false });
    if ('rawPath' in event) Object.assign(event, { rawPath: '/binary' }).requestContext.http.method = 'GET';
    else Object.assign(event, { httpMethod: 'GET', path: '/binary' });
    if (kind === 'v1') (event.requestContext as { path?: string }).path = '/prod/binary';
    const result = await handler(event);
    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body, 'base64')]).toEqual([...BINARY]);
  });

  test('a gzip() response is base64 whatever its type, and gunzips to the text', async () => {
    const event = events.functionUrl();
    Object.assign(event, { rawPath: '/long', body: null });
    event.requestContext.http.method = 'GET';
    event.headers = { ...event.headers, 'accept-encoding': 'gzip' };
    const result = await handler(event);
    expect(result.headers?.['content-encoding']).toBe('gzip');
    expect(result.isBase64Encoded).toBe(true);
    expect(gunzipSync(Buffer.from(result.body, 'base64')).toString()).toBe(LONG_TEXT);
  });

  test('text that is not UTF-8 falls back to base64 so no byte is lost', async () => {
    const latin: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=latin1']]);
      return [Uint8Array.of(0x63, 0x61, 0x66, 0xe9)];
    };
    const result = await toLambda(lint(latin))(events.functionUrl());
    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body, 'base64')]).toEqual([0x63, 0x61, 0x66, 0xe9]);
  });

  test('textTypes sends a listed type as text', async () => {
    const yaml: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/x-yaml']]);
      return [Buffer.from('a: 1\n')];
    };
    expect((await toLambda(lint(yaml))(events.functionUrl())).isBase64Encoded).toBe(true);
    const result = await toLambda(lint(yaml), { textTypes: ['application/x-yaml'] })(events.functionUrl());
    expect(result).toMatchObject({ body: 'a: 1\n', isBase64Encoded: false });
  });

  test('HEAD: headers, no body, and the body is closed', async () => {
    let closed = 0;
    const counted: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
      return Object.assign([Buffer.from('hello')], { close: () => void (closed += 1) });
    };
    const event = events.functionUrl();
    event.requestContext.http.method = 'HEAD';
    event.body = null;
    const result = await toLambda(lint(counted))(event);
    expect(result).toMatchObject({ statusCode: 200, body: '', isBase64Encoded: false });
    expect(result.headers?.['content-length']).toBe('5');
    expect(closed).toBe(1);
  });

  test('an app error gives a 500 and its message goes to wsgi.errors only', async () => {
    const lines: string[] = [];
    const broken: Application = () => {
      throw new Error('secret detail');
    };
    const result = await toLambda(broken, { errors: (text) => lines.push(text) })(events.v1());
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret detail');
    expect(lines.join('')).toContain('secret detail');
  });
});

describe('toLambda: bad input', () => {
  test('a header value a Request refuses is the client\'s fault: 400 in the kind\'s shape', async () => {
    const event = events.alb();
    event.headers = { ...event.headers, 'x-bad': 'a\u0000b' };
    const result = await handler(event);
    expect(result).toMatchObject({ statusCode: 400, statusDescription: '400 Bad Request', body: 'Bad Request\n' });
  });

  test('a non-HTTP event is a one-line TypeError naming what was expected', async () => {
    await expect(handler({ Records: [{ eventSource: 'aws:sqs' }] } as never)).rejects.toThrow(
      /not an API Gateway \(1\.0\/2\.0\), ALB or Function URL HTTP event \(keys: Records\)/,
    );
  });

  test('options are checked when the handler is made', () => {
    expect(() => toLambda(app, { scriptName: 'api' })).toThrow(/scriptName must be '' or start with '\/'/);
    expect(() => toLambda(app, { scriptName: '/api/' })).toThrow(/not end with one/);
    expect(() => toLambda(app, { basePath: 'api' })).toThrow(/basePath must be '' or start with '\/'/);
    expect(() => toLambda(app, { scriptName: '/a', basePath: '/b' })).toThrow(/give scriptName only/);
    expect(() => toLambda(app, { textTypes: 'text/yaml' as never })).toThrow(/textTypes must be an array/);
    expect(() => toLambda('app' as never)).toThrow(/app must be a function/);
  });

  test('streaming outside a Lambda runtime says where awslambda comes from', () => {
    const saved = (globalThis as { awslambda?: unknown }).awslambda;
    delete (globalThis as { awslambda?: unknown }).awslambda;
    try {
      expect(() => toLambda(app, { streaming: true })).toThrow(/needs awslambda\.streamifyResponse, which only the AWS Lambda Node\.js runtime/);
    } finally {
      if (saved !== undefined) (globalThis as { awslambda?: unknown }).awslambda = saved;
    }
  });
});
