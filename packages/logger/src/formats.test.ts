import type { Environ } from '@tsgi/core';
import fc from 'fast-check';
import { formatCombined, formatCommon, formatJson, readsDuration, type LogInfo } from './formats.js';

const T = Date.UTC(2000, 9, 10, 20, 55, 36);

// Client text: latin-1 bytes (what the gateway hands over), the usual suspects, any code point.
const hostileChar = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\r', '\n', '"', '\\', '\u2028', '\u2029', '\x1b', '\x85', '\x9b', '\x7f'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const hostile = fc.string({ unit: hostileChar, minLength: 1 });

function info(overrides: Partial<LogInfo> = {}): LogInfo {
  return {
    environ: {} as Environ,
    timestamp: T,
    time: new Date(overrides.timestamp ?? T),
    utcOffset: -420,
    method: 'GET',
    path: '/apache_pb.gif',
    query: '',
    target: '/apache_pb.gif',
    protocol: 'HTTP/1.0',
    status: 200,
    bytes: 2326,
    duration: 1.23456,
    remoteAddr: '127.0.0.1',
    user: 'frank',
    userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
    referer: 'http://www.example.com/start.html',
    requestId: 'abc-1',
    outcome: 'ok',
    error: undefined,
    ...overrides,
  };
}

describe('Apache formats, byte for byte', () => {
  it("common: the Apache manual's example line", () => {
    expect(formatCommon(info())).toBe('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326');
  });

  it("combined: the Apache manual's example line", () => {
    expect(formatCombined(info())).toBe(
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 ' +
        '"http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    );
  });

  it('writes - for a missing user, 0 bytes, missing headers and a missing address; "" for an empty user', () => {
    const line = formatCombined(
      info({ user: undefined, bytes: 0, referer: undefined, userAgent: undefined, remoteAddr: undefined, status: 304 }),
    );
    expect(line).toBe('- - - [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 304 - "-" "-"');
    expect(formatCommon(info({ user: '' }))).toBe(
      '127.0.0.1 - "" [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    );
  });

  it('escapes what the client sent as ap_escape_logitem does', () => {
    const line = formatCombined(
      info({
        target: '/x?q="\r\n',
        user: 'b\\ob',
        referer: 'http://e/\x1b[2J',
        userAgent: 'UA "quoted" caf\xc3\xa9 \u2028',
      }),
    );
    expect(line).toBe(
      '127.0.0.1 - b\\\\ob [10/Oct/2000:13:55:36 -0700] "GET /x?q=\\"\\r\\n HTTP/1.0" 200 2326 ' +
        '"http://e/\\x1b[2J" "UA \\"quoted\\" caf\\xc3\\xa9 \\xe2\\x80\\xa8"',
    );
  });

  it('stays strict CLF when the response did not complete: no field after the Apache ones', () => {
    const base = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0"';
    expect(formatCommon(info({ outcome: 'aborted', bytes: 100 }))).toBe(`${base} 200 100`);
    expect(formatCommon(info({ outcome: 'aborted', status: 499, bytes: 0 }))).toBe(`${base} 499 -`);
    expect(formatCombined(info({ outcome: 'error', status: 500, bytes: 0 }))).toBe(
      `${base} 500 - "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`,
    );
  });

  it('property: hostile strings in every client field still give one line with the right field count', () => {
    const combined =
      /^(\S+) - (.+) \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, hostile, (target, user, referer, userAgent, method) => {
        const line = formatCombined(info({ target, user, referer, userAgent, method }));
        expect(line).toMatch(/^[\x20-\x7e]*$/);
        const match = combined.exec(line);
        expect(match).not.toBeNull();
        expect(match![4]).toBe('200');
      }),
      { numRuns: 300 },
    );
  });
});

describe('json', () => {
  it('carries every field, parses, and writes null for what is missing', () => {
    const line = formatJson(info({ query: 'a=1', user: undefined }));
    expect(JSON.parse(line)).toEqual({
      time: '2000-10-10T20:55:36.000Z',
      method: 'GET',
      path: '/apache_pb.gif',
      query: 'a=1',
      protocol: 'HTTP/1.0',
      status: 200,
      bytes: 2326,
      duration: 1.235,
      remoteAddr: '127.0.0.1',
      user: null,
      userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
      referer: 'http://www.example.com/start.html',
      requestId: 'abc-1',
      outcome: 'ok',
    });
  });

  it('adds route, trace_id and span_id when the environ has tsgi.route and tsgi.trace, and nothing when not', () => {
    const environ = {
      'tsgi.route': '/users/:id',
      'tsgi.trace': { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 },
    } as unknown as Environ;
    expect(JSON.parse(formatJson(info({ environ })))).toMatchObject({
      route: '/users/:id',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
    const plain = JSON.parse(formatJson(info())) as Record<string, unknown>;
    expect(['route', 'trace_id', 'span_id'].filter((key) => key in plain)).toEqual([]);
  });

  it('adds the error for a failed request', () => {
    const parsed = JSON.parse(formatJson(info({ outcome: 'error', error: new RangeError('bad\nthing') })));
    expect(parsed).toMatchObject({ outcome: 'error', error: 'RangeError: bad\nthing' });
  });

  it('property: hostile strings give one line that parses back to them', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (path, query, referer, userAgent) => {
        const line = formatJson(info({ path, query, referer, userAgent }));
        expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/);
        expect(JSON.parse(line)).toMatchObject({ path, query, referer, userAgent });
      }),
      { numRuns: 300 },
    );
  });
});

describe('readsDuration', () => {
  it('is false only for the Apache formats, which have no %D/%T', () => {
    expect(readsDuration('common')).toBe(false);
    expect(readsDuration('combined')).toBe(false);
    expect(readsDuration('json')).toBe(true);
    expect(readsDuration((info) => String(info.duration))).toBe(true);
  });
});
