/**
 * Bodies and inputs for the multipart tests: a body builder that writes exactly the
 * bytes given (so tests can break the format on purpose), an input stream that
 * counts what the parser pulled and can end early or fail, and a collector.
 */
import { PullInputStream, type Environ } from '@tsgi/core';
import { ClientDisconnected } from '@tsgi/core/gateway';
import { createEnviron } from '@tsgi/testing';
import type { MultipartParts } from '../src/multipart/index.js';

const encoder = new TextEncoder();

export interface RawPart {
  /** Header lines without their CRLF. */
  headers: string[];
  content: string | Uint8Array;
}

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A field part's header lines. */
export function field(name: string, content: string): RawPart {
  return { headers: [`Content-Disposition: form-data; name="${name}"`], content };
}

/** A file part's header lines. */
export function file(name: string, filename: string, content: string | Uint8Array, type = 'application/octet-stream'): RawPart {
  return { headers: [`Content-Disposition: form-data; name="${name}"; filename="${filename}"`, `Content-Type: ${type}`], content };
}

/** A well-formed multipart body (CRLF, close delimiter), with optional preamble and epilogue. */
export function multipartBody(parts: RawPart[], boundary = 'XyZzy', extra: { preamble?: string; epilogue?: string } = {}): Uint8Array {
  const pieces: Uint8Array[] = [];
  if (extra.preamble !== undefined) pieces.push(bytes(`${extra.preamble}\r\n`));
  for (const part of parts) {
    pieces.push(bytes(`--${boundary}\r\n${part.headers.map((line) => `${line}\r\n`).join('')}\r\n`));
    pieces.push(typeof part.content === 'string' ? bytes(part.content) : part.content);
    pieces.push(bytes('\r\n'));
  }
  pieces.push(bytes(`--${boundary}--${extra.epilogue ?? ''}`));
  return concat(pieces);
}

export function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.byteLength, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}

/** `data` cut into chunks of `size` bytes (views, no copies). */
export function chunks(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.byteLength; at += size) out.push(data.subarray(at, at + size));
  return out;
}

/**
 * `wsgi.input` over chunks or a generator, counting the chunks and bytes pulled;
 * `fail` makes it throw (after the chunks run out) instead of ending.
 */
export class CountingInput extends PullInputStream {
  pulls = 0;
  pulled = 0;
  readonly #source: Iterator<Uint8Array>;
  readonly #fail: Error | undefined;

  constructor(source: Iterable<Uint8Array>, fail?: Error) {
    super();
    this.#source = source[Symbol.iterator]();
    this.#fail = fail;
  }

  protected async pullChunk(): Promise<Uint8Array | null> {
    const next = this.#source.next();
    if (next.done === true) {
      if (this.#fail) throw this.#fail;
      return null;
    }
    this.pulls++;
    this.pulled += next.value.byteLength;
    return next.value;
  }
}

/** An input that sends `data` and then the client goes away. */
export function disconnectingInput(data: Uint8Array[]): CountingInput {
  return new CountingInput(data, new ClientDisconnected());
}

export const CONTENT_TYPE = 'multipart/form-data; boundary=XyZzy';

/** A POST environ over `input` (an InputStream, or bytes cut into `chunkSize` chunks). */
export function multipartEnviron(body: Uint8Array | PullInputStream, contentType = CONTENT_TYPE, chunkSize = 64 * 1024): Environ {
  const { environ } = createEnviron('POST', '/upload', { headers: { 'Content-Type': contentType } });
  environ['wsgi.input'] = body instanceof PullInputStream ? body : new CountingInput(chunks(body, chunkSize));
  return environ;
}

export interface SeenPart {
  name: string;
  filename: string | undefined;
  contentType: string;
  text: string;
}

/** Every part read as text. */
export async function collect(parts: MultipartParts): Promise<SeenPart[]> {
  const seen: SeenPart[] = [];
  for await (const part of parts) {
    seen.push({ name: part.name, filename: part.filename, contentType: part.contentType, text: await part.text() });
  }
  return seen;
}

/** The HttpError status (or error name) a promise rejects with; 'ok' when it resolves. */
export async function outcome(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    return typeof status === 'number' ? status : (error as Error).name;
  }
}
