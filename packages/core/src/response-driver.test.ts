import { ConnectionAbort, type Application, type Body, type StartResponse } from '@tsgi/core';
import { ResponseDriver } from '@tsgi/core/gateway';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (chunk: Uint8Array): string => Buffer.from(chunk).toString();
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A sink that records what the driver asks of it. */
class Recorder extends ResponseDriver {
  calls: string[] = [];
  lines: string[] = [];
  /** What sendChunk answers: false = full, until resume(). */
  room = true;
  constructor(head = false) {
    const lines: string[] = [];
    super(head, { write: (line) => void lines.push(line), writelines: () => undefined, flush: () => undefined }, 'test');
    this.lines = lines;
  }
  protected sendHead(length: number, flush: boolean): void {
    this.calls.push(`head ${this.code} ${length}${flush ? ' flush' : ''}`);
  }
  protected sendChunk(chunk: Uint8Array): boolean {
    this.calls.push(`chunk ${text(chunk)}`);
    return this.room;
  }
  protected sendEnd(last: Uint8Array | readonly Uint8Array[] | undefined): void {
    this.calls.push(last === undefined ? 'end' : last instanceof Uint8Array ? `end ${text(last)}` : `end [${last.map(text).join(',')}]`);
  }
  protected sendAbort(error: unknown): void {
    this.calls.push(`abort ${(error as Error).message}`);
  }
  protected where(): string {
    return 'GET /';
  }
}

function counted<B extends object>(body: B, log: string[]): B {
  return Object.assign(body, { close: () => void log.push('close') });
}

const TEXT: [string, string] = ['Content-Type', 'text/plain'];

test('an array body is one sendEnd with its length known; one chunk goes alone', async () => {
  const two = new Recorder();
  await two.run((_e, start) => (start('200 OK', [TEXT]), [bytes('hello'), bytes('world')]), {} as never);
  expect(two.calls).toEqual(['head 200 10', 'end [hello,world]']);
  const one = new Recorder();
  await one.run((_e, start) => (start('200 OK', [TEXT]), [bytes('hello')]), {} as never);
  expect(one.calls).toEqual(['head 200 5', 'end hello']);
});

test('a sync body of one chunk gets its length; of more, it streams', async () => {
  const one = new Recorder();
  await one.run((_e, start) => (start('200 OK', []), [bytes('only')].values()), {} as never);
  expect(one.calls).toEqual(['head 200 4', 'end only']);
  const more = new Recorder();
  await more.run((_e, start) => (start('200 OK', []), [bytes('a'), bytes(''), bytes('b')].values()), {} as never);
  expect(more.calls).toEqual(['head 200 -1', 'chunk a', 'chunk b', 'end']);
});

test('a full sink parks the walk: the next chunk is pulled only after resume()', async () => {
  const pulled: number[] = [];
  const driver = new Recorder();
  driver.room = false;
  const app: Application = (_e, start) => {
    start('200 OK', []);
    return (async function* () {
      for (let i = 0; i < 3; i++) {
        pulled.push(i);
        yield bytes(String(i));
      }
    })();
  };
  const done = driver.run(app, {} as never);
  await tick();
  expect(pulled).toEqual([0]);
  driver.resume();
  await tick();
  expect(pulled).toEqual([0, 1]);
  driver.room = true;
  driver.resume();
  await done;
  expect(driver.calls).toEqual(['head 200 -1', 'chunk 0', 'chunk 1', 'chunk 2', 'end']);
});

test('the client leaving while the walk waits: return() and close() once, nothing more sent', async () => {
  const log: string[] = [];
  const driver = new Recorder();
  driver.room = false;
  const app: Application = (_e, start) => {
    start('200 OK', []);
    return counted(
      (async function* () {
        try {
          yield bytes('a');
          yield bytes('b');
        } finally {
          log.push('finally');
        }
      })(),
      log,
    );
  };
  const done = driver.run(app, {} as never);
  await tick();
  await driver.clientGone();
  await done;
  expect(driver.calls).toEqual(['head 200 -1', 'chunk a']);
  expect(log).toEqual(['finally', 'close']);
  expect(driver.gone).toBe(true);
});

test('never past the Content-Length: cut there and logged; fewer bytes abort after the head', async () => {
  const long = new Recorder();
  await long.run((_e, start) => (start('200 OK', [['Content-Length', '3']]), [bytes('hello')]), {} as never);
  expect(long.calls).toEqual(['head 200 -1', 'chunk hel', 'end']);
  expect(long.lines.join('')).toMatch(/^test: error in application \(GET \/\): .*longer than its Content-Length \(3\)/);
  const short = new Recorder();
  await short.run((_e, start) => (start('200 OK', [['Content-Length', '10']]), [bytes('hello')]), {} as never);
  expect(short.calls).toEqual(['head 200 -1', 'chunk hello', 'abort the body ended after 5 bytes but Content-Length is 10']);
});

test('an error before the head is the 500, after it an abort; both logged, a ConnectionAbort not', async () => {
  const before = new Recorder();
  await before.run(() => {
    throw new Error('down');
  }, {} as never);
  expect(before.calls).toEqual(['head 500 22', 'end Internal Server Error\n']);
  expect(before.lines.join('')).toMatch(/^test: error in application \(GET \/\): Error: down/);

  const after = new Recorder();
  await after.run((_e, start) => {
    start('200 OK', []);
    return (async function* () {
      yield bytes('a');
      throw new Error('mid-stream');
    })();
  }, {} as never);
  expect(after.calls).toEqual(['head 200 -1', 'chunk a', 'abort mid-stream']);
  expect(after.lines).toHaveLength(1);

  const dropped = new Recorder();
  await dropped.run(() => {
    throw new ConnectionAbort('drop it');
  }, {} as never);
  expect(dropped.calls).toEqual(['abort drop it']);
  expect(dropped.lines).toEqual([]);
});

test('a held first chunk counts as sent: an error then sends it and aborts', async () => {
  const driver = new Recorder();
  await driver.run((_e, start) => {
    start('200 OK', []);
    return (function* () {
      yield bytes('first');
      throw new Error('late');
    })();
  }, {} as never);
  expect(driver.calls).toEqual(['head 200 -1', 'chunk first', 'abort late']);
});

test('HEAD: the head with no body, the body closed and never iterated', async () => {
  const log: string[] = [];
  const driver = new Recorder(true);
  await driver.run((_e, start) => {
    start('200 OK', [['Content-Length', '5']]);
    return counted({ *[Symbol.iterator]() { log.push('iterated'); yield bytes('hello'); } }, log);
  }, {} as never);
  expect(driver.calls).toEqual(['head 200 0', 'end']);
  expect(log).toEqual(['close']);
});

test('write(): the first sends the head (flushed when nothing follows); after the end it throws, after the client left it is dropped', async () => {
  let write: ((chunk: Uint8Array) => void) | undefined;
  const driver = new Recorder();
  await driver.run((_e, start) => {
    write = start('200 OK', []);
    write(bytes(''));
    write(bytes('w'));
    return [bytes('b')];
  }, {} as never);
  expect(driver.calls).toEqual(['head 200 -1 flush', 'chunk w', 'chunk b', 'end']);
  expect(() => write!(bytes('late'))).toThrow('test: write() was called after the response ended');

  const gone = new Recorder();
  let later: ((chunk: Uint8Array) => void) | undefined;
  const pending = gone.run(async (_e, start) => {
    later = start('200 OK', []);
    await tick();
    return [];
  }, {} as never);
  await gone.clientGone();
  expect(() => later!(bytes('dropped'))).not.toThrow();
  await pending;
  expect(gone.calls).toEqual([]);
});

test('a thenable the app returns is awaited like a Promise', async () => {
  const driver = new Recorder();
  const app = ((_e: unknown, start: StartResponse) => ({
    then(resolve: (body: Body) => void) {
      start('200 OK', []);
      resolve([bytes('later')]);
    },
  })) as unknown as Application;
  await driver.run(app, {} as never);
  expect(driver.calls).toEqual(['head 200 5', 'end later']);
});

test('a close() that throws is logged once the response is decided', async () => {
  const driver = new Recorder();
  await driver.run((_e, start) => {
    start('200 OK', []);
    return Object.assign([bytes('x')], {
      close() {
        throw new Error('close failed');
      },
    });
  }, {} as never);
  expect(driver.calls).toEqual(['head 200 1', 'end x']);
  expect(driver.lines.join('')).toMatch(/^test: error while closing the response body \(GET \/\): Error: close failed/);
});
