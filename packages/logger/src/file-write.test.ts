import { execFileSync } from 'node:child_process';
import { closeSync, constants, createWriteStream, mkdtempSync, openSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { idleFileDescriptor, writeDirect } from './file-write.js';
import { LineSink } from './line-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-file-write-'));
let count = 0;
const freshPath = (): string => join(dir, `log-${++count}.txt`);

async function opened(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'a' });
  await new Promise((resolve) => stream.once('open', resolve));
  return stream;
}

async function ended(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve) => stream.end(resolve));
}

describe('idleFileDescriptor', () => {
  it('gives the descriptor of an open, idle WriteStream on a regular file', async () => {
    const stream = await opened(freshPath());
    expect(idleFileDescriptor(stream)).toBe((stream as WriteStream & { fd: number }).fd);
    await ended(stream);
  });

  it('gives nothing while a write is in flight, before the stream is open, or after it ended', async () => {
    const stream = createWriteStream(freshPath());
    expect(idleFileDescriptor(stream)).toBeUndefined();
    await new Promise((resolve) => stream.once('open', resolve));
    stream.write('queued\n');
    expect(idleFileDescriptor(stream)).toBeUndefined();
    await ended(stream);
    expect(idleFileDescriptor(stream)).toBeUndefined();
  });

  it('gives nothing for a FIFO, whose writes could block on a slow reader', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader first, so that the writer's open does not wait.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const stream = await opened(fifo);
    expect(idleFileDescriptor(stream)).toBeUndefined();
    await ended(stream);
    closeSync(reader);
  });

  it('gives nothing for a stream that is not an fs.WriteStream', () => {
    const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    expect(idleFileDescriptor(stream)).toBeUndefined();
    expect(idleFileDescriptor({ fd: 1, writableLength: 0, write: () => true })).toBeUndefined();
  });
});

describe('writeDirect', () => {
  it('writes every byte and says so', () => {
    const path = freshPath();
    const fd = openSync(path, 'a');
    expect(writeDirect(fd, Buffer.from('abcdef'), 4)).toBe(4);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('abcd');
  });

  it('returns what it managed instead of throwing, so the stream can take the rest', () => {
    const path = freshPath();
    writeFileSync(path, '');
    const readOnly = openSync(path, 'r');
    expect(writeDirect(readOnly, Buffer.from('abc'), 3)).toBe(0);
    closeSync(readOnly);
  });
});

describe('LineSink on an fs.WriteStream', () => {
  it('has the batch in the file as soon as flush() returns when the stream is idle', async () => {
    const path = freshPath();
    const stream = await opened(path);
    const sink = new LineSink(stream, { flushInterval: 60_000, maxBuffer: 1 << 16 });
    sink.push('one\n');
    sink.push('caf\u00e9\n');
    expect(readFileSync(path, 'utf8')).toBe('');
    sink.flush();
    expect(readFileSync(path, 'utf8')).toBe('one\ncaf\u00e9\n');
    await ended(stream);
  });

  it('keeps the order of a write still queued on the stream', async () => {
    const path = freshPath();
    const stream = await opened(path);
    const sink = new LineSink(stream, { flushInterval: 60_000, maxBuffer: 1 << 16 });
    stream.write('written first\n');
    sink.push('logged after\n');
    sink.flush();
    await ended(stream);
    expect(readFileSync(path, 'utf8')).toBe('written first\nlogged after\n');
  });
});
