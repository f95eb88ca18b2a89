/** Runs the Lambda example of packages/lambda/README.md under lambda-local (the doc test keeps the two identical). */
import * as lambdaLocal from 'lambda-local';
import { flushAccessLogs } from '@tsgi/logger';
import { handler } from './lambda-handler.js';

lambdaLocal.getLogger().level = 'error';

test('the README handler answers a REST API event with the stage in the path it reports', async () => {
  const writes: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()) > 0) as typeof process.stdout.write;
  try {
    const result = (await lambdaLocal.execute({
      event: {
        httpMethod: 'GET',
        path: '/hello/ada',
        headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com' },
        multiValueHeaders: { Host: ['abc.execute-api.eu-west-1.amazonaws.com'] },
        requestContext: { stage: 'prod', path: '/prod/hello/ada', identity: { sourceIp: '192.0.2.1' } },
        body: null,
        isBase64Encoded: false,
      },
      lambdaFunc: { handler },
      lambdaHandler: 'handler',
      timeoutMs: 5000,
      verboseLevel: 0,
    })) as { statusCode: number; body: string };
    await flushAccessLogs();
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('Hello, ada, from /prod/hello/ada\n');
    expect(writes.join('')).toMatch(/^192\.0\.2\.1 - - \[[^\]]+\] "GET \/prod\/hello\/ada HTTP\/1\.1" 200 \d+/m);
  } finally {
    process.stdout.write = write;
  }
});
