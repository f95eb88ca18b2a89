/**
 * Lambda response streaming: the Node.js runtime's `awslambda.streamifyResponse`
 * wraps a handler that gets a writable `responseStream`, and
 * `awslambda.HttpResponseStream.from(stream, { statusCode, headers, cookies })` puts the
 * status and headers in front of the body. Function URLs with
 * `InvokeMode: RESPONSE_STREAM` send each chunk on as it is written, so an app's
 * `text/event-stream` or long download reaches the client as it is made, past the
 * 6 MB limit of buffered results.
 *
 * The body is piped with backpressure: the next chunk is pulled from the app only when
 * the stream has room; if the client goes away, the stream is destroyed, the app's
 * iterator is ended and its `close()` runs.
 *
 * `awslambda` exists only inside Lambda's runtime (and under lambda-local, which
 * provides it for local runs); it is looked up when `toLambda` is called, never at import.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html
 * @module
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { EventRequest } from './event-request.js';
import type { LambdaContext, LambdaHttpEvent } from './events.js';
import { resultHead } from './lambda-result.js';

/** What `streamifyResponse` hands the wrapped handler as its second argument. */
export type ResponseStream = Writable;

/** The streaming part of the Lambda runtime's `awslambda` global. */
export interface StreamingRuntime {
  streamifyResponse(handler: (event: LambdaHttpEvent, responseStream: ResponseStream, context?: LambdaContext) => Promise<void>): StreamingHandler;
  HttpResponseStream: { from(stream: ResponseStream, metadata: object): ResponseStream };
}

/** What `streamifyResponse` returns: the function Lambda invokes. */
export type StreamingHandler = (event: LambdaHttpEvent, context?: LambdaContext) => unknown;

/** The runtime's `awslambda`, or a TypeError saying where it comes from. */
export function streamingRuntime(): StreamingRuntime {
  const runtime = (globalThis as { awslambda?: Partial<StreamingRuntime> }).awslambda;
  if (typeof runtime?.streamifyResponse !== 'function' || typeof runtime.HttpResponseStream?.from !== 'function') {
    throw new TypeError(
      'toLambda: streaming: true needs awslambda.streamifyResponse, which only the AWS Lambda Node.js runtime ' +
        '(or lambda-local) provides; leave streaming off elsewhere',
    );
  }
  return runtime as StreamingRuntime;
}

const BAD_REQUEST = Buffer.from('Bad Request\n');

/** Writes the response (or a 400 for an event no Request could be made of) to the stream. */
export async function streamResponse(runtime: StreamingRuntime, responseStream: ResponseStream, response: Response | null, request: EventRequest): Promise<void> {
  if (response === null) {
    const out = runtime.HttpResponseStream.from(responseStream, { statusCode: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    out.end(BAD_REQUEST);
    return;
  }
  const out = runtime.HttpResponseStream.from(responseStream, resultHead(response, request));
  if (response.body === null) {
    out.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), out);
}
