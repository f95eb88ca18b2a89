import { ResponseError, ResponseState } from '@tsgi/core/gateway';

const rule = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof ResponseError ? error.rule : `not a ResponseError: ${String(error)}`;
  }
  return undefined;
};

test('a second call is fatal without excInfo, also after a refused first call', () => {
  const refused = new ResponseState(false);
  expect(rule(() => refused.start('200', []))).toBe('status.format');
  expect(rule(() => refused.start('200 OK', []))).toBe('start-response.twice');
  expect(refused.status).toBeUndefined();
  const twice = new ResponseState(false);
  twice.start('200 OK', []);
  expect(rule(() => twice.start('404 Not Found', []))).toBe('start-response.twice');
  expect(twice.status).toBe('200 OK');
});

test('excInfo replaces the status until the headers went out, then is thrown again', () => {
  const state = new ResponseState(false);
  state.start('200 OK', [['Content-Length', '5']]);
  const failure = new Error('late');
  state.start('500 Internal Server Error', [], failure);
  expect([state.code, state.contentLength]).toEqual([500, -1]);
  state.headersSent = true;
  expect(() => state.start('503 Service Unavailable', [], failure)).toThrow(failure);
  expect(state.code).toBe(500);
});

test('headers: hop-by-hop, format, and one Content-Length of digits', () => {
  expect(rule(() => new ResponseState(false).start('200 OK', [['Transfer-Encoding', 'chunked']]))).toBe('headers.hop-by-hop');
  expect(rule(() => new ResponseState(false).start('200 OK', [['X-A', 'a\nb']]))).toBe('headers.format');
  expect(rule(() => new ResponseState(false).start('200 OK', 'x' as unknown as []))).toBe('headers.format');
  expect(rule(() => new ResponseState(false).start('200 OK', [['Content-Length', '-1']]))).toBe('headers.content-length');
  const two: Array<[string, string]> = [['Content-Length', '1'], ['content-length', '1']];
  expect(rule(() => new ResponseState(false).start('200 OK', two))).toBe('headers.content-length');
});

test('write() and chunk rules: bytes only, none before startResponse (an empty chunk may come first)', () => {
  const state = new ResponseState(false);
  expect(rule(() => state.checkWrite(new Uint8Array(0)))).toBe('start-response.late');
  expect(rule(() => state.checkChunk(new Uint8Array(0)))).toBeUndefined();
  expect(rule(() => state.checkChunk(new Uint8Array(1)))).toBe('start-response.late');
  expect(rule(() => state.checkChunk('x'))).toBe('body.chunk-type');
  state.start('200 OK', []);
  expect(rule(() => state.checkWrite('x'))).toBe('write.type');
});

test('take() keeps to Content-Length; endProblem() names a short or missing response', () => {
  expect(new ResponseState(false).endProblem()?.rule).toBe('start-response.missing');
  const state = new ResponseState(false);
  state.start('200 OK', [['Content-Length', '5']]);
  expect([state.take(3), state.overflow]).toEqual([3, false]);
  expect(state.endProblem()?.rule).toBe('body.content-length');
  expect([state.take(4), state.overflow, state.written]).toEqual([2, true, 5]);
  expect(state.endProblem()).toBeUndefined();
});

test('no body for HEAD and for 1xx, 204, 205 and 304; a short HEAD is not short', () => {
  const head = new ResponseState(true);
  head.start('200 OK', [['Content-Length', '5']]);
  expect([head.bodyAllowed, head.endProblem()]).toEqual([false, undefined]);
  for (const [status, allowed] of [['103 Early Hints', false], ['204 No Content', false], ['205 Reset Content', false], ['304 Not Modified', false], ['200 OK', true], ['404 Not Found', true]] as const) {
    const state = new ResponseState(false);
    state.start(status, []);
    expect([status, state.bodyAllowed]).toEqual([status, allowed]);
  }
});

test('a status or header name checked once is still checked in full where it can go wrong', () => {
  // Seen good first, so later calls take the remembered path.
  new ResponseState(false).start('200 OK', [['X-Seen', 'a'], ['Content-Length', '3']]);
  expect(rule(() => new ResponseState(false).start('200 OK', [['X-Seen', 'a\r\nb']]))).toBe('headers.format');
  expect(rule(() => new ResponseState(false).start('200 OK', [['X-Seen', 7 as unknown as string]]))).toBe('headers.format');
  expect(rule(() => new ResponseState(false).start('200 OK', [['X-Seen', 'a', 'b'] as unknown as [string, string]]))).toBe('headers.format');
  expect(rule(() => new ResponseState(false).start('200 OK', [['Content-Length', '3x']]))).toBe('headers.content-length');
  expect(rule(() => new ResponseState(false).start('200 OK', [['Content-Length', '3'], ['Content-Length', '3']]))).toBe('headers.content-length');
  const state = new ResponseState(false);
  state.start('200 OK', [['Content-Length', '3']]);
  expect(state.contentLength).toBe(3);
  // A 101 allowed once (the app accepted a WebSocket) is not allowed for the next request.
  const accepted = new ResponseState(false);
  accepted.switchAllowed = true;
  accepted.start('101 Switching Protocols', []);
  expect(rule(() => new ResponseState(false).start('101 Switching Protocols', []))).toBe('websocket.status');
});
