import type { ErrorStream } from '@tsgi/core';
import { toErrorStream } from '@tsgi/core/gateway';

test('a full ErrorStream is used as it is', () => {
  const full: ErrorStream = { write() {}, writelines() {}, flush() {} };
  expect(toErrorStream(full, 'x')).toBe(full);
});

test('a write(text) stream and a function each become a full ErrorStream', () => {
  const seen: string[] = [];
  const stream = { write(text: string) { seen.push(`s:${text}`); return true; } };
  const fn = (text: string): void => void seen.push(`f:${text}`);
  for (const option of [stream, fn]) {
    const errors = toErrorStream(option, 'x');
    errors.write('a');
    errors.writelines(['b', 'c']);
    errors.flush();
  }
  expect(seen).toEqual(['s:a', 's:b', 's:c', 'f:a', 'f:b', 'f:c']);
});

test('write keeps its this: a stream whose write reads its own fields', () => {
  const stream = { lines: [] as string[], write(this: { lines: string[] }, text: string) { this.lines.push(text); } };
  toErrorStream(stream, 'x').writelines(['a', 'b']);
  expect(stream.lines).toEqual(['a', 'b']);
});

test('anything else is a TypeError naming the gateway, the forms and what was seen', () => {
  for (const bad of [null, 'stderr', 1, {}, { write: 'no' }]) {
    expect(() => toErrorStream(bad as never, 'toFetch')).toThrow(TypeError);
  }
  expect(() => toErrorStream('stderr' as never, 'toFetch')).toThrow(/^toFetch: errors must be an ErrorStream, a stream with write\(text\).*a function \(text\) => void; got string$/);
});
