import { rejectLog, type RefusedRequest } from './index.js';

const TIME = Date.UTC(2000, 9, 10, 20, 55, 36); // 10/Oct/2000:13:55:36 -0700

function info(overrides: Partial<RefusedRequest> = {}): RefusedRequest {
  return {
    status: 414,
    reason: 'request line too long',
    method: 'GET',
    url: '/very/long?x=1',
    httpVersion: '1.1',
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    time: TIME,
    ...overrides,
  };
}

function record(options: Parameters<typeof rejectLog>[0] = {}): { log: (i: RefusedRequest) => void; lines: () => Promise<string[]> } {
  let text = '';
  const log = rejectLog({ utcOffset: -420, flushInterval: 0, stream: { write: (t: string) => void (text += t) }, ...options });
  return {
    log,
    async lines() {
      await new Promise((r) => setImmediate(r));
      return text === '' ? [] : text.slice(0, -1).split('\n');
    },
  };
}

describe('rejectLog()', () => {
  it('writes common and combined lines as Apache does, the request line as far as it parsed', async () => {
    const common = record({ format: 'common' });
    common.log(info());
    common.log(info({ status: 408, reason: 'request timeout', method: '-', url: '-', httpVersion: '-', bytes: 16 }));
    common.log(info({ status: 400, method: 'GE"T', url: '/a b', bytes: 12 }));
    expect(await common.lines()).toEqual([
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /very/long?x=1 HTTP/1.1" 414 -',
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "-" 408 16',
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GE\\"T /a b HTTP/1.1" 400 12',
    ]);
    const combined = record(); // combined is the default, as for accessLog()
    combined.log(info({ status: 431, reason: 'header block too large' }));
    expect(await combined.lines()).toEqual(['127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /very/long?x=1 HTTP/1.1" 431 - "-" "-"']);
  });

  it('json says refused and why', async () => {
    const json = record({ format: 'json' });
    json.log(info({ bytes: 23 }));
    const [line] = await json.lines();
    expect(JSON.parse(line!)).toEqual({
      time: '2000-10-10T20:55:36.000Z',
      method: 'GET',
      path: '/very/long',
      query: 'x=1',
      protocol: 'HTTP/1.1',
      status: 414,
      bytes: 23,
      duration: 0,
      remoteAddr: '127.0.0.1',
      user: null,
      userAgent: null,
      referer: null,
      requestId: null,
      outcome: 'refused',
      error: 'request line too long',
    });
  });

  it('a custom format gets a LogInfo with the CGI keys the server parsed, kept to one line', async () => {
    const custom = record({ format: (i) => `${i.status} ${i.environ.REQUEST_URI as string} ${i.environ.REMOTE_PORT}\n${i.outcome}` });
    custom.log(info());
    expect(await custom.lines()).toEqual(['414 /very/long?x=1 50000\\x0arefused']);
  });

  it('writes nothing for a status 0 report: that request reached the app and its access log', async () => {
    const common = record({ format: 'common' });
    common.log(info({ status: 0 }));
    expect(await common.lines()).toEqual([]);
  });

  it('refuses bad options, naming them and the value seen', () => {
    expect(() => rejectLog({ format: 'apache' as never })).toThrow(
      "rejectLog: option format must be 'common', 'combined', 'json' or a function, got \"apache\"",
    );
    expect(() => rejectLog({ stream: {} as never })).toThrow('rejectLog: option stream must be a stream with write(), got [object Object]');
    expect(() => rejectLog({ utcOffset: 1.5 })).toThrow('rejectLog: option utcOffset must be whole minutes east of UTC, got 1.5');
    expect(() => rejectLog(null as never)).toThrow('rejectLog: options must be an object');
  });
});
