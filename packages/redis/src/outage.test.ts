import { OutageWatch, RedisStoreError, type OutageEvent } from './outage.js';

const never = () => new Promise<string>(() => {});

test('a call that hangs rejects after the timeout; the outage is reported once, its end once', async () => {
  const events: OutageEvent[] = [];
  const watch = new OutageWatch('redisStore', 30, (event) => events.push(event));
  await expect(watch.call(never())).rejects.toEqual(new RedisStoreError('redisStore: Redis did not answer within 30 ms'));
  await expect(watch.call(Promise.reject(new Error('Connection is closed.')))).rejects.toThrow('redisStore: Connection is closed.');
  await expect(watch.call(Promise.reject('odd'))).rejects.toThrow('redisStore: odd');
  expect(events).toEqual([{ type: 'down', error: expect.any(RedisStoreError) }]);
  expect(await watch.call(Promise.resolve('ok'))).toBe('ok');
  expect(events[1]).toEqual({ type: 'up', failures: 3, downMs: expect.any(Number) });
  expect(await watch.call(Promise.resolve('again'))).toBe('again');
  expect(events).toHaveLength(2);
});

test('the error keeps the client error as its cause', async () => {
  const cause = new Error('ECONNREFUSED');
  const error = await new OutageWatch('redisSessionStore', 1000, undefined).call(Promise.reject(cause)).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'RedisStoreError', message: 'redisSessionStore: ECONNREFUSED', cause });
});

test('an answer after the timeout is ignored (the call already failed), and a throwing hook does not break the call', async () => {
  const events: OutageEvent[] = [];
  const watch = new OutageWatch('redisStore', 10, (event) => {
    events.push(event);
    throw new Error('broken logger');
  });
  let answer!: (value: string) => void;
  const late = watch.call(new Promise<string>((resolve) => (answer = resolve)));
  await expect(late).rejects.toThrow('within 10 ms');
  answer('too late');
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(events.map((e) => e.type)).toEqual(['down']);
});
