/**
 * The matrix's HTTP client: node:http over a real socket on 127.0.0.1, decoding the
 * response's Content-Encoding as a browser would (gzip, deflate, br), and noting
 * when each decoded piece arrived, so that a streamed event can be seen arriving
 * before the next one is made.
 * @module
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';

export interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body after undoing Content-Encoding (once). */
  body: Buffer;
  /** Milliseconds from the request to each complete `\n\n`-ended event in the body. */
  eventTimes: number[];
}

function decoder(coding: string | undefined): Transform | undefined {
  if (coding === undefined || coding === 'identity') return undefined;
  if (coding === 'gzip') return zlib.createGunzip();
  if (coding === 'deflate') return zlib.createInflate();
  if (coding === 'br') return zlib.createBrotliDecompress();
  throw new Error(`the client cannot decode Content-Encoding: ${coding}`);
}

export function send(base: string, sent: Sent, timeoutMs = 15_000): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const started = Date.now();
    const headers: Record<string, string> = { ...sent.headers };
    if (sent.body !== undefined) headers['content-length'] = String(sent.body.byteLength);
    const req = request(`${base}${sent.path}`, { method: sent.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const eventTimes: number[] = [];
      let pending = '';
      let stream: NodeJS.ReadableStream = res;
      // A HEAD answer has the headers of a GET, Content-Encoding too, and no body to decode.
      const decode = sent.method === 'HEAD' ? undefined : decoder(res.headers['content-encoding']);
      if (decode) {
        res.on('error', reject);
        stream = res.pipe(decode);
      }
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        pending += chunk.toString('latin1');
        for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
          eventTimes.push(Date.now() - started);
          pending = pending.slice(end + 2);
        }
      });
      stream.on('error', reject);
      stream.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), eventTimes }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${sent.method} ${sent.path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(sent.body);
  });
}
