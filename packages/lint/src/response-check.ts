/**
 * The app side of lint for one call: the `startResponse` and `write` the app is
 * given, and the byte accounting the body wrapper shares with them (Content-Length,
 * bodiless statuses, whether headers may have gone out).
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { HOP_BY_HOP_HEADERS, checkHeaders, checkStatus, isNoContentStatus, statusCode, type StartResponse, type Write } from '@tsgi/core';
import { LintError, show } from './lint-error.js';

const DIGITS = /^\d+$/;

/** Why a header list breaks a rule, checked in the order a reader would fix them. */
function checkResponseHeaders(headers: unknown): void {
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      const name: unknown = Array.isArray(pair) ? pair[0] : undefined;
      if (typeof name === 'string' && HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
        throw new LintError('headers.hop-by-hop', `the app sent the header ${name}`);
      }
    }
  }
  const problem = checkHeaders(headers);
  if (problem) throw new LintError('headers.format', problem);
  let lengths = 0;
  for (const [name, value] of headers as Array<[string, string]>) {
    const lower = name.toLowerCase();
    if (lower === 'status') throw new LintError('headers.status', `the app sent the header ${name}: ${value}`);
    if (lower === 'content-length') {
      lengths++;
      if (!DIGITS.test(value) || lengths > 1) {
        throw new LintError('headers.content-length', `Content-Length is ${show(value)}${lengths > 1 ? ' (a second one)' : ''}`);
      }
    }
  }
}

function checkNoContentHeaders(code: number, headers: Array<[string, string]>): void {
  if (!isNoContentStatus(code)) return;
  for (const [name] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-type' || lower === 'content-length') {
      throw new LintError('headers.no-content', `a ${code} response has the header ${name}`);
    }
  }
}

export class ResponseCheck {
  /** The status the app set, once it has. */
  status: string | undefined = undefined;
  code = 0;
  /** The app's Content-Length, when it gave one. */
  contentLength: number | undefined = undefined;
  /** Body bytes handed to the server so far (chunks and writes). */
  bytes = 0;
  /** True once a non-empty chunk or write reached the server: headers may be out. */
  headersSent = false;
  /** True once the server closed the body. */
  closed = false;
  /** True while the server is inside a next() of the body: write() is not allowed then. */
  iterating = false;
  /** True once startResponse was called, even if that call was refused. */
  #called = false;
  readonly isHead: boolean;
  readonly #serverStart: StartResponse;
  #serverWrite: Write | undefined = undefined;
  /** Given to the app in place of the server's startResponse. */
  readonly startResponse: StartResponse;
  readonly #write: Write;

  constructor(method: string, serverStart: StartResponse) {
    this.isHead = method === 'HEAD';
    this.#serverStart = serverStart;
    this.startResponse = this.#start.bind(this);
    this.#write = this.#writeChunk.bind(this);
  }

  #start(status: string, headers: Array<[string, string]>, excInfo?: unknown): Write {
    if (this.#called && excInfo === undefined) {
      const first = this.status === undefined ? 'a startResponse call that was refused' : `startResponse(${show(this.status)})`;
      throw new LintError('start-response.twice', `startResponse(${show(status)}) came after ${first}`);
    }
    this.#called = true;
    if (excInfo !== undefined && excInfo !== null && !(excInfo instanceof Error)) {
      throw new LintError('start-response.exc-info-type', `startResponse(${show(status)}, headers, ${show(excInfo)}) was called`);
    }
    const problem = checkStatus(status);
    if (problem) throw new LintError('status.format', problem);
    checkResponseHeaders(headers);
    checkNoContentHeaders(statusCode(status), headers);
    if (excInfo !== undefined && this.headersSent) {
      this.#serverStart(status, headers, excInfo);
      throw new LintError(
        'start-response.exc-info',
        'the server\'s startResponse returned normally when called with excInfo after the headers were sent',
        { cause: excInfo },
      );
    }
    const write: unknown = this.#serverStart(status, headers, excInfo);
    if (typeof write !== 'function') {
      throw new LintError('start-response.callable', `the server's startResponse returned ${show(write)}, not a write function`);
    }
    this.#serverWrite = write as Write;
    this.status = status;
    this.code = statusCode(status);
    this.contentLength = undefined;
    for (const [name, value] of headers) {
      if (name.length === 14 && name.toLowerCase() === 'content-length') this.contentLength = Number(value);
    }
    return this.#write;
  }

  #writeChunk(chunk: Uint8Array): void {
    if (this.closed) throw new LintError('write.late', 'write() was called after the body was closed');
    if (this.iterating) throw new LintError('write.in-body', 'write() was called while the server was iterating the body');
    if (!(chunk instanceof Uint8Array)) throw new LintError('write.type', `write(${show(chunk)}) was called`);
    this.count(chunk.byteLength);
    this.#serverWrite!(chunk);
  }

  /** Accounts for `n` body bytes on their way to the server. */
  count(n: number): void {
    if (n === 0) return;
    if (isNoContentStatus(this.code)) {
      throw new LintError('body.no-content', `a ${this.status} response got ${n} body bytes`);
    }
    this.bytes += n;
    this.headersSent = true;
    if (this.contentLength !== undefined && this.bytes > this.contentLength) {
      throw new LintError('body.content-length', `the body has at least ${this.bytes} bytes but Content-Length is ${this.contentLength}`);
    }
  }

  /** The body is complete: startResponse was called and Content-Length was kept. */
  complete(): void {
    if (this.status === undefined) {
      throw new LintError('start-response.missing', 'the body ended and startResponse was never called');
    }
    const length = this.contentLength;
    if (length !== undefined && this.bytes < length && !this.isHead && this.code !== 304 && this.code !== 204 && this.code !== 205) {
      throw new LintError('body.content-length', `the body ended after ${this.bytes} bytes but Content-Length is ${length}`);
    }
  }
}
