import { arrayBodyLength, closeBody, onClose, type Body } from '@tsgi/core';

const bytes = (s: string) => new TextEncoder().encode(s);

test('onClose keeps an array body an array and runs after the inner close, once', async () => {
  const order: string[] = [];
  const body: Body = Object.assign([bytes('a'), bytes('bc')], { close: () => void order.push('inner') });
  const hooked = onClose(body, () => order.push('hook'));
  expect(hooked).toBe(body);
  expect(Array.isArray(hooked)).toBe(true);
  await closeBody(hooked);
  await closeBody(hooked);
  expect(order).toEqual(['inner', 'hook']);
  expect(arrayBodyLength(hooked)).toBe(3);
});

test('onClose waits for an async inner close and runs even when it throws', async () => {
  const order: string[] = [];
  const asyncBody = onClose(
    Object.assign([bytes('x')], {
      close: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('inner');
      },
    }),
    () => order.push('hook'),
  );
  await closeBody(asyncBody);
  expect(order).toEqual(['inner', 'hook']);

  let hooked = 0;
  const throwing = onClose(
    Object.assign([bytes('x')], {
      close: () => {
        throw new Error('boom');
      },
    }),
    () => hooked++,
  );
  expect(() => throwing.close!()).toThrow('boom');
  expect(hooked).toBe(1);
});

test('onClose wraps a frozen body instead of mutating it', async () => {
  const frozen = Object.freeze([bytes('a')]) as unknown as Body;
  let hooked = 0;
  const wrapped = onClose(frozen, () => hooked++);
  expect(wrapped).not.toBe(frozen);
  const seen: Uint8Array[] = [];
  for (const chunk of wrapped as Iterable<Uint8Array>) seen.push(chunk);
  expect(seen).toHaveLength(1);
  await closeBody(wrapped);
  expect(hooked).toBe(1);
  expect(arrayBodyLength(wrapped)).toBeUndefined();
});
