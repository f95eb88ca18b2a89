import { decodeNative, type Application } from '@tsgi/core';
import { serve } from '@tsgi/server';

// An application is a function of the request (environ) and a callback for the
// status and headers (startResponse); it returns the body as chunks of bytes.
export const hello: Application = (environ, startResponse) => {
  const name = new URLSearchParams(environ.QUERY_STRING).get('name') ?? 'world';
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  // PATH_INFO holds the path's bytes, one char each (PEP 3333): read it as UTF-8.
  return [Buffer.from(`Hello, ${name}! You asked for ${decodeNative(environ.PATH_INFO)}\n`)];
};

// `npx tsx examples/guide-hello.ts` serves it; importing this file (as the tests do) does not.
if (process.argv[1]?.endsWith('guide-hello.ts')) {
  void serve(hello, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
