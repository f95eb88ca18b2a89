import { ResponseError, ResponseState } from './response-state.js';
import type { StartResponse } from './types.js';
import { WebSocketUpgrade } from './websocket-upgrade.js';

function inner(): StartResponse & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const start: StartResponse = (status, headers) => {
    calls.push([status, headers]);
    return () => undefined;
  };
  return Object.assign(start, { calls });
}

test('a 101 after accept() stays with the upgrade; its headers lose the ones the gateway writes', async () => {
  const upgrade = new WebSocketUpgrade(['chat']);
  const out = inner();
  upgrade.accept({ message: () => undefined }, { protocol: 'chat' });
  upgrade.startResponse(out)('101 Switching Protocols', [['Set-Cookie', 'a=1'], ['Sec-WebSocket-Protocol', 'x'], ['Content-Length', '0']]);
  expect(out.calls).toEqual([]);
  expect(upgrade.headers).toEqual([['Set-Cookie', 'a=1']]);
  let closed = 0;
  expect(await upgrade.settle(Object.assign([], { close: () => void closed++ }))).toBe(true);
  expect(closed).toBe(1);
  expect(upgrade.protocol).toBe('chat');
});

test('any other status is a refusal passed on, and settle() says not to switch', async () => {
  const upgrade = new WebSocketUpgrade([]);
  const out = inner();
  upgrade.accept({});
  upgrade.startResponse(out)('401 Unauthorized', []);
  expect(out.calls).toEqual([['401 Unauthorized', []]]);
  expect(await upgrade.settle([new Uint8Array(3)])).toBe(false);
});

test('a 101 without accept() is refused with websocket.status, in the gateways and in ResponseState', () => {
  const upgrade = new WebSocketUpgrade([]);
  expect(() => upgrade.startResponse(inner())('101 Switching Protocols', [])).toThrow(expect.objectContaining({ rule: 'websocket.status' }));
  expect(() => new ResponseState(false).start('101 Switching Protocols', [])).toThrow(ResponseError);
});

test('body bytes on a 101 are an error, and the body is still closed once', async () => {
  const upgrade = new WebSocketUpgrade([]);
  upgrade.accept({});
  upgrade.startResponse(inner())('101 Switching Protocols', []);
  let closed = 0;
  const body = Object.assign([new Uint8Array(0), new Uint8Array([1])], { close: () => void closed++ });
  await expect(upgrade.settle(body)).rejects.toMatchObject({ rule: 'body.no-content' });
  expect(closed).toBe(1);
});

test('accept() refuses a second call, a protocol not offered, and handlers that are not functions', () => {
  const upgrade = new WebSocketUpgrade(['chat']);
  expect(() => upgrade.accept({}, { protocol: 'mqtt' })).toThrow(expect.objectContaining({ rule: 'websocket.accept' }));
  expect(() => upgrade.accept({ message: 'hi' } as never)).toThrow(expect.objectContaining({ rule: 'websocket.handlers' }));
  expect(() => upgrade.accept(null as never)).toThrow(expect.objectContaining({ rule: 'websocket.handlers' }));
  upgrade.accept({});
  expect(() => upgrade.accept({})).toThrow(expect.objectContaining({ rule: 'websocket.accept' }));
});

test('a second startResponse without excInfo after a 101 is start-response.twice; with excInfo it replaces the 101', () => {
  const upgrade = new WebSocketUpgrade([]);
  const out = inner();
  upgrade.accept({});
  const start = upgrade.startResponse(out);
  start('101 Switching Protocols', []);
  expect(() => start('200 OK', [])).toThrow(expect.objectContaining({ rule: 'start-response.twice' }));
  start('500 Internal Server Error', [], new Error('boom'));
  expect(upgrade.switching).toBe(false);
  expect(out.calls).toHaveLength(1);
});

test('accept({ decode }) takes a boolean and records it', () => {
  const upgrade = new WebSocketUpgrade([]);
  expect(() => upgrade.accept({}, { decode: 'no' as never })).toThrow(/decode.*takes a boolean, got/);
  upgrade.accept({}, { decode: false });
  expect(upgrade.decode).toBe(false);
  expect(new WebSocketUpgrade([]).decode).toBe(true);
});

describe('run(): the handshake call every gateway makes', () => {
  /** A driver that records what it was given, and a switch that records its call. */
  function parts() {
    const log: unknown[][] = [];
    const driver = {
      startResponse: Object.assign(inner(), {}),
      respond: (body: unknown) => void log.push(['respond', body]),
      fail: (error: unknown) => void log.push(['fail', error]),
    };
    const switchProtocols = (body: unknown): void | Promise<void> => void log.push(['switch', body]);
    return { log, driver, switchProtocols, pending: () => void log.push(['pending']) };
  }
  const accepting = (body: unknown = []) => (environ: Record<string, unknown>, start: StartResponse) => {
    (environ['tsgi.websocket'] as WebSocketUpgrade).accept({});
    start('101 Switching Protocols', [['X-Seen', '1']]);
    return body as never;
  };

  test('puts the offer in the environ and switches on a 101 whose body settled, sync and async', async () => {
    for (const async of [false, true]) {
      const upgrade = new WebSocketUpgrade([]);
      const p = parts();
      const body = Object.assign([], { close: () => void p.log.push(['close']) });
      const app = accepting(body);
      const environ: Record<string, unknown> = {};
      await upgrade.run((async ? async (e: never, s: StartResponse) => app(e, s) : app) as never, environ as never, p);
      expect(environ['tsgi.websocket']).toBe(upgrade);
      expect(p.log).toEqual([...(async ? [['pending']] : []), ['close'], ['switch', body]]);
      expect(p.driver.startResponse.calls).toEqual([]);
      expect(upgrade.headers).toEqual([['X-Seen', '1']]);
    }
  });

  test('a refusal goes to the driver: its status to startResponse, its body to respond', async () => {
    const upgrade = new WebSocketUpgrade([]);
    const p = parts();
    const body = [new TextEncoder().encode('no')];
    await upgrade.run((_e, start) => (start('401 Unauthorized', []), body), {} as never, p);
    expect(p.driver.startResponse.calls).toEqual([['401 Unauthorized', []]]);
    expect(p.log).toEqual([['respond', body]]);
  });

  test("the app's error, a rejection, body bytes on the 101 and a failing switch go to fail", async () => {
    const boom = new Error('boom');
    const cases: Array<[Parameters<WebSocketUpgrade['run']>[0], unknown, ((p: ReturnType<typeof parts>) => void)?]> = [
      [() => { throw boom; }, boom],
      [() => Promise.reject(boom), boom],
      [accepting([new Uint8Array([1])]), expect.objectContaining({ rule: 'body.no-content' })],
      [accepting(), boom, (p) => (p.switchProtocols = () => { throw boom; })],
      [accepting(), boom, (p) => (p.switchProtocols = () => Promise.reject(boom))],
    ];
    for (const [app, error, change] of cases) {
      const p = parts();
      change?.(p);
      await new WebSocketUpgrade([]).run(app, {} as never, p);
      expect(p.log.filter(([kind]) => kind !== 'pending')).toEqual([['fail', error]]);
    }
  });

  test('a 101 that excInfo replaced while its body ran is answered by the driver, with no body left to walk', async () => {
    const upgrade = new WebSocketUpgrade([]);
    const p = parts();
    let start!: StartResponse;
    const body = (function* () {
      start('500 Internal Server Error', [], new Error('late'));
      yield new Uint8Array(0);
    })();
    await upgrade.run((environ, s) => {
      (environ['tsgi.websocket'] as WebSocketUpgrade).accept({});
      start = s;
      s('101 Switching Protocols', []);
      return body;
    }, {} as never, p);
    expect(p.driver.startResponse.calls).toEqual([['500 Internal Server Error', []]]);
    expect(p.log).toEqual([['respond', []]]);
  });
});
