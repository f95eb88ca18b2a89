import type { Environ } from '@tsgi/core';
import { HeaderCapture } from './header-capture.js';

test('request headers: lowercase attribute names, one-element arrays, credentials redacted', () => {
  const capture = new HeaderCapture(['X-Request-Id', 'authorization', 'Cookie', 'Content-Type', 'x-api-key'], [], ['X-API-Key']);
  const attributes = {};
  capture.request(
    {
      HTTP_X_REQUEST_ID: 'abc',
      HTTP_AUTHORIZATION: 'Basic Zm9vOmJhcg==',
      HTTP_COOKIE: 'a=1; b=2',
      CONTENT_TYPE: 'text/plain',
      HTTP_X_API_KEY: 'k',
    } as unknown as Environ,
    attributes,
  );
  expect(attributes).toEqual({
    'http.request.header.x-request-id': ['abc'],
    'http.request.header.authorization': ['REDACTED'],
    'http.request.header.cookie': ['REDACTED'],
    'http.request.header.content-type': ['text/plain'],
    'http.request.header.x-api-key': ['REDACTED'],
  });
});

test('response headers: any case, one element per header line, set-cookie redacted; none captured gives undefined', () => {
  const capture = new HeaderCapture([], ['content-type', 'SET-COOKIE', 'vary'], []);
  expect(
    capture.response([
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['Vary', 'Accept'],
      ['Vary', 'Origin'],
      ['X-Other', 'x'],
    ]),
  ).toEqual({
    'http.response.header.content-type': ['text/html'],
    'http.response.header.set-cookie': ['REDACTED', 'REDACTED'],
    'http.response.header.vary': ['Accept', 'Origin'],
  });
  expect(capture.response([['X-Other', 'x']])).toBeUndefined();
  expect(new HeaderCapture([], [], []).responseEnabled).toBe(false);
});
