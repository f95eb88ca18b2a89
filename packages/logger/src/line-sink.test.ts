import { Writable } from 'node:stream';
import { flushAll, LineSink } from './line-sink.js';

function recorder(): { writes: string[]; write(text: string): void } {
  const writes: string[] = [];
  return { writes, write: (text: string) => void writes.push(text) };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LineSink', () => {
  it('writes every line pushed in one event-loop turn in a single write, on the next turn', async () => {
    const target = recorder();
    const sink = new LineSink(target, { flushInterval: 0, maxBuffer: 1 << 20 });
    for (let i = 0; i < 100; i++) sink.push(`line ${i}\n`);
    expect(target.writes).toEqual([]);
    await tick();
    expect(target.writes).toHaveLength(1);
    expect(target.writes[0]!.split('\n')).toHaveLength(101);
    sink.push('later\n');
    await tick();
    expect(target.writes).toEqual([target.writes[0], 'later\n']);
  });

  it('writes at once when maxBuffer characters are waiting', () => {
    const target = recorder();
    const sink = new LineSink(target, { flushInterval: 0, maxBuffer: 10 });
    sink.push('12345\n');
    expect(target.writes).toEqual([]);
    sink.push('67890\n');
    expect(target.writes).toEqual(['12345\n67890\n']);
  });

  it('holds lines for flushInterval ms before writing them', async () => {
    jest.useFakeTimers();
    try {
      const target = recorder();
      const sink = new LineSink(target, { flushInterval: 50, maxBuffer: 1 << 20 });
      sink.push('a\n');
      sink.push('b\n');
      jest.advanceTimersByTime(49);
      expect(target.writes).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(target.writes).toEqual(['a\nb\n']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('flush() and flushAll() write what is waiting now; nothing is written twice', async () => {
    const one = recorder();
    const two = recorder();
    const a = new LineSink(one, { flushInterval: 0, maxBuffer: 1 << 20 });
    const b = new LineSink(two, { flushInterval: 0, maxBuffer: 1 << 20 });
    a.push('a\n');
    a.flush();
    expect(one.writes).toEqual(['a\n']);
    a.push('a2\n');
    b.push('b\n');
    flushAll();
    expect(one.writes).toEqual(['a\n', 'a2\n']);
    expect(two.writes).toEqual(['b\n']);
    await tick();
    expect(one.writes).toHaveLength(2);
    expect(two.writes).toHaveLength(1);
  });

  it('installs its exit hooks once per process, not once per sink', () => {
    const before = process.listenerCount('exit');
    for (let i = 0; i < 5; i++) new LineSink(recorder(), { flushInterval: 0, maxBuffer: 1 });
    expect(process.listenerCount('exit')).toBe(before);
    expect(process.listeners('beforeExit').length).toBeGreaterThan(0);
  });

  it('gives a node stream each batch as its own Buffer of UTF-8 bytes, untouched by later lines', async () => {
    const batches: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        batches.push(chunk);
        done();
      },
    });
    const sink = new LineSink(stream, { flushInterval: 0, maxBuffer: 1 << 16 });
    sink.push('caf\u00e9 \u2603\n');
    sink.push('two\n');
    await tick();
    sink.push('XXXXXXXXXXXXXXXXXXXXXXXX\n');
    await tick();
    expect(batches).toHaveLength(2);
    expect(Buffer.isBuffer(batches[0])).toBe(true);
    // The first batch still holds its own bytes after the sink's buffer was reused.
    expect(batches[0]!.toString('utf8')).toBe('caf\u00e9 \u2603\ntwo\n');
    expect(batches[1]!.toString('utf8')).toBe('XXXXXXXXXXXXXXXXXXXXXXXX\n');
  });

  it('writes a line longer than its whole buffer on its own, after what was waiting', () => {
    const target = recorder();
    const sink = new LineSink(target, { flushInterval: 0, maxBuffer: 16 });
    sink.push('short\n');
    const long = 'y'.repeat(5000) + '\n';
    sink.push(long);
    expect(target.writes).toEqual(['short\n', long]);
  });

  it('writes each line at once on Cloudflare Workers, whose timers end with the response', () => {
    const global = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(global, 'navigator');
    Object.defineProperty(global, 'navigator', { value: { userAgent: 'Cloudflare-Workers' }, configurable: true });
    try {
      let Sink: typeof LineSink | undefined;
      jest.isolateModules(() => {
        Sink = (jest.requireActual('./line-sink.js') as { LineSink: typeof LineSink }).LineSink;
      });
      const written: string[] = [];
      const sink = new Sink!({ write: (text: string) => written.push(text) }, { flushInterval: 10, maxBuffer: 65536 });
      sink.push('one\n');
      sink.push('two\n');
      expect(written).toEqual(['one\n', 'two\n']);
      expect(sink.scheduled).toBe(false);
    } finally {
      if (had) Object.defineProperty(global, 'navigator', had);
      else delete global.navigator;
    }
  });
});
