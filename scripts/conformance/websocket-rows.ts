/**
 * The WebSocket handshake conformance table: apps that accept, refuse, or get the 101
 * wrong, and what every output must answer (the 101, or the same refusal's status and
 * body) with how often the body was stepped and closed. Run through `serve()` over a
 * real socket, `toFetch()` on a Bun-style `server.upgrade` and `testClient().websocket()`
 * by websocket-conformance.test.ts: one table, so a case is written once, not once per
 * output's tests.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable (excInfo)
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2 (the server's handshake answer)
 * @module
 */
import type { Application, Body } from '@tsgi/core';

export interface WebSocketRow {
  name: string;
  /** The app; `count.steps` / `count.closes` count its body's steps and close() calls. */
  app(count: { steps: number; closes: number }): Application;
  /** `"101"` when the output switched protocols, else `"<code> <body>"` of the refusal. */
  outcome: string;
  /** [body steps, close() calls] expected. */
  body: [number, number];
  /** Whether the app is broken on purpose (lint would report it): run without lint(). */
  broken?: boolean;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export const WEBSOCKET_ROWS: WebSocketRow[] = [
  {
    name: 'an accepted 101 switches',
    app: (count) => (environ, startResponse) => {
      environ['tsgi.websocket']!.accept({});
      startResponse('101 Switching Protocols', []);
      return Object.assign([], { close: () => void count.closes++ });
    },
    outcome: '101',
    body: [0, 1],
  },
  {
    name: 'a refusal (401) is an ordinary answer, and nothing switches',
    app: (count) => (_environ, startResponse) => {
      startResponse('401 Unauthorized', [['Content-Type', 'text/plain'], ['WWW-Authenticate', 'Basic']]);
      return Object.assign([bytes('who are you?')], { close: () => void count.closes++ });
    },
    outcome: '401 who are you?',
    body: [0, 1],
  },
  {
    // A 101 has no body (RFC 9110 15.2.2): bytes on it are the app's mistake, answered with
    // core's 500 before anything switches, the body closed once.
    name: 'body bytes on a 101 are a 500, and nothing switches',
    app: (count) => (environ, startResponse) => {
      environ['tsgi.websocket']!.accept({});
      startResponse('101 Switching Protocols', []);
      return Object.assign([bytes('x')], { close: () => void count.closes++ });
    },
    outcome: '500 Internal Server Error\n',
    body: [0, 1],
    broken: true,
  },
  {
    // The app accepted, answered 101, and then, while the gateway walked the body, replaced
    // the 101 through excInfo (allowed: nothing was sent yet). The replacement is the answer;
    // the body is walked once and closed once, and nothing switches.
    name: 'a 101 that excInfo replaced while its body ran is answered with the replacement',
    app: (count) => (environ, startResponse) => {
      environ['tsgi.websocket']!.accept({});
      startResponse('101 Switching Protocols', []);
      const body = (function* () {
        count.steps++;
        startResponse('503 Service Unavailable', [['Content-Type', 'text/plain']], new Error('gone'));
        yield new Uint8Array(0);
      })();
      return Object.assign(body, { close: () => void count.closes++ }) as unknown as Body;
    },
    outcome: '503 ',
    body: [1, 1],
    broken: true,
  },
];
