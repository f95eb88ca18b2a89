/**
 * fromNodeListener at the edges, each compared with node:http running the same
 * listener in the same test: a client hanging up before the response starts, the
 * listener destroying its connection, flushHeaders() before the first body byte; and
 * a listener's Transfer-Encoding the gateway cannot apply. Raw `net` clients on
 * 127.0.0.1, so what reaches the wire (and when) is seen byte for byte.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import Koa from 'koa';
import { lint } from '@tsgi/lint';
import { fromNodeListener, type FromNodeListenerOptions, type NodeRequestListener } from '../src/from-node-listener.js';
import { headOf, sleep, startServer, waitFor, type TestServer } from '../../server/test/helpers.js';

interface Target {
  name: 'node:http' | 'fromNodeListener';
  port: number;
  /** What reached wsgi.errors (always empty for node:http). */
  log: string[];
  close(): Promise<void>;
}

/** The same listener on node:http and wrapped under serve(), each on 127.0.0.1:0. */
async function both(listener: NodeRequestListener, options?: FromNodeListenerOptions): Promise<Target[]> {
  // An async listener (Koa's callback) handles its own errors; node:http ignores its promise.
  const plain = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const wrapped: TestServer = await startServer(lint(fromNodeListener(listener, options)));
  return [
    {
      name: 'node:http',
      port: (plain.address() as AddressInfo).port,
      log: [],
      close: () => new Promise<void>((resolve) => plain.close(() => resolve())),
    },
    { name: 'fromNodeListener', port: wrapped.port, log: wrapped.log, close: () => wrapped.close() },
  ];
}

/** What the listener sees, in order, with the flags node sets at each event. */
function recorder(req: IncomingMessage, res: ServerResponse, events: string[]): void {
  const record = (who: string, event: string) => (error?: unknown) => {
    // Not instanceof: node's own errors come from another realm under jest.
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    const detail = message === undefined ? '' : `(${String(code)} ${message})`;
    events.push(
      `${who}:${event}${detail} res.destroyed=${res.destroyed} res.writableEnded=${res.writableEnded} ` +
        `req.destroyed=${req.destroyed} req.aborted=${req.aborted}`,
    );
  };
  for (const event of ['close', 'finish', 'error']) res.on(event, record('res', event));
  for (const event of ['aborted', 'close', 'error']) req.on(event, record('req', event));
  for (const event of ['close', 'error']) req.socket.on(event, record('socket', event));
}

interface Exchange {
  /** Everything the client received. */
  text: string;
  /** ms from connecting to the first byte, or -1. */
  firstByte: number;
  /** The server closed (or reset) the connection. */
  closed: boolean;
}

/** Sends `request`; hangs up after `hangUpMs` if given; collects until close or `idleMs` of quiet. */
function exchange(port: number, request: string, { hangUpMs = -1, idleMs = 1500 } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let firstByte = -1;
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), firstByte, closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    };
    socket.on('data', (chunk) => {
      if (firstByte < 0) firstByte = Date.now() - started;
      chunks.push(chunk);
      arm();
    });
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
    socket.write(request);
    if (hangUpMs >= 0) setTimeout(() => done(true), hangUpMs);
    arm();
  });
}

const GET = 'GET / HTTP/1.1\r\nHost: h\r\n\r\n';
const GET_CLOSE = 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n';

describe('1. a client that hangs up before the response starts', () => {
  test.each([{ timeout: 30_000 }, { timeout: 0 }])("the listener's res sees 'close' promptly, as on node:http (timeout %j)", async (options) => {
    const seen = new Map<number, { events: string[]; hungUp: number; closedAt: number }>();
    const targets = await both((req, res) => {
      const entry = { events: [] as string[], hungUp: 0, closedAt: 0 };
      seen.set(req.socket.localPort!, entry);
      recorder(req, res, entry.events);
      res.on('close', () => (entry.closedAt = Date.now()));
      // Never answers: the code a sendFile waiting on onFinished(res) would hang in.
    }, options);
    try {
      const results: Record<string, string[]> = {};
      for (const target of targets) {
        const hungUp = Date.now() + 50;
        await exchange(target.port, GET, { hangUpMs: 50 });
        const entry = seen.get(target.port);
        expect(entry).toBeDefined();
        expect(await waitFor(() => entry!.closedAt > 0 && entry!.events.some((e) => e.startsWith('req:close')), 5000)).toBe(true);
        expect(entry!.closedAt - hungUp).toBeLessThan(2000);
        results[target.name] = entry!.events;
        expect(target.log).toEqual([]);
      }
      expect(results['fromNodeListener']).toEqual(results['node:http']);
      expect(results['node:http']![0]).toMatch(/^req:aborted /);
    } finally {
      await Promise.all(targets.map((t) => t.close()));
    }
  });
});

describe('2. the listener destroying its connection', () => {
  test.each(['req.socket.destroy(error)', 'res.destroy(error)', 'req.destroy(error)', 'req.socket.destroy()'])(
    '%s: the error reaches its listeners and the client gets no answer, as on node:http',
    async (how) => {
      const seen = new Map<number, string[]>();
      const targets = await both((req, res) => {
        const events: string[] = [];
        seen.set(req.socket.localPort!, events);
        recorder(req, res, events);
        setTimeout(() => {
          const error = how.endsWith('()') ? undefined : new Error('listener gave up');
          if (how.startsWith('req.socket')) req.socket.destroy(error);
          else if (how.startsWith('res')) res.destroy(error);
          else req.destroy(error);
        }, 20);
      });
      try {
        const results: Record<string, string[]> = {};
        for (const target of targets) {
          const result = await exchange(target.port, GET);
          // No status line (today's wrap answered 500), and the connection is gone.
          expect(result.text).toBe('');
          expect(result.closed).toBe(true);
          const events = seen.get(target.port)!;
          expect(await waitFor(() => events.some((e) => e.startsWith('req:close')) && events.some((e) => e.startsWith('res:close')))).toBe(true);
          await sleep(20);
          results[target.name] = events;
          expect(target.log).toEqual([]);
        }
        expect(results['fromNodeListener']).toEqual(results['node:http']);
        if (!how.endsWith('()')) expect(results['node:http']!.some((e) => e.startsWith('socket:error(undefined listener gave up)'))).toBe(true);
      } finally {
        await Promise.all(targets.map((t) => t.close()));
      }
    },
  );

  test('after the headers, the connection is cut mid-body, as on node:http', async () => {
    const targets = await both((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(new Error('listener gave up')), 20);
    });
    try {
      for (const target of targets) {
        const result = await exchange(target.port, GET);
        expect(result.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(result.text).toContain('partial');
        expect(result.text).not.toMatch(/0\r\n\r\n$/); // never a clean end
        expect(result.closed).toBe(true);
      }
    } finally {
      await Promise.all(targets.map((t) => t.close()));
    }
  });
});

describe('3. flushHeaders() puts the status line on the wire before the first body byte', () => {
  const DELAY = 800;

  test('res.writeHead(200); res.flushHeaders(): as on node:http', async () => {
    const targets = await both((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.flushHeaders();
      setTimeout(() => res.end('late body'), DELAY);
    });
    try {
      for (const target of targets) {
        const result = await exchange(target.port, GET_CLOSE, { idleMs: DELAY + 700 });
        expect(result.firstByte).toBeGreaterThanOrEqual(0);
        expect(result.firstByte).toBeLessThan(DELAY / 2);
        expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
        expect(result.text).toContain('late body');
      }
    } finally {
      await Promise.all(targets.map((t) => t.close()));
    }
  });

  test("Koa's ctx.flushHeaders() before a slow body", async () => {
    const koa = new Koa();
    koa.use(async (ctx) => {
      ctx.type = 'text/plain';
      ctx.status = 200;
      ctx.flushHeaders();
      await sleep(DELAY);
      ctx.body = 'late body';
    });
    const targets = await both(koa.callback());
    try {
      for (const target of targets) {
        const result = await exchange(target.port, GET_CLOSE, { idleMs: DELAY + 700 });
        expect(result.firstByte).toBeGreaterThanOrEqual(0);
        expect(result.firstByte).toBeLessThan(DELAY / 2);
        expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
        expect(result.text).toContain('late body');
      }
    } finally {
      await Promise.all(targets.map((t) => t.close()));
    }
  });
});

describe("4. a listener's Transfer-Encoding", () => {
  test.each(['gzip', 'deflate', 'compress', 'gzip, chunked'])('%s: 500, and wsgi.errors says why', async (coding) => {
    const server = await startServer(
      lint(fromNodeListener((_req, res) => {
        res.setHeader('Transfer-Encoding', coding);
        res.end('not really coded');
      })),
    );
    try {
      const result = await exchange(server.port, GET_CLOSE, { idleMs: 500 });
      expect(headOf(result.text).statusLine).toBe('HTTP/1.1 500 Internal Server Error');
      expect(result.text).not.toContain('not really coded');
      expect(server.log.join('')).toContain(`the listener set Transfer-Encoding: ${coding}, but the gateway frames the body itself`);
    } finally {
      await server.close();
    }
  });

  test('chunked stays allowed, and the gateway frames it', async () => {
    const server = await startServer(
      lint(fromNodeListener((_req, res) => {
        res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
        res.write('a');
        setTimeout(() => res.end('b'), 5);
      })),
    );
    try {
      const result = await exchange(server.port, GET_CLOSE, { idleMs: 500 });
      expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
      expect(result.text.slice(result.text.indexOf('\r\n\r\n') + 4)).toBe('1\r\na\r\n1\r\nb\r\n0\r\n\r\n');
      expect(server.log).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
