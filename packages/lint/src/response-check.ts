/**
 * The app side of lint for one call: the `startResponse` and `write` the app is
 * given, and the byte accounting the body wrapper shares with them. The rules are
 * core's `ResponseState`, the ones the gateways keep; a breach is reported as a
 * `LintError` with the same rule id. Only the rules gateways do not enforce (a
 * `Status` header, content headers or bytes on a no-content status, excInfo's type,
 * write() from inside the body or after close) are lint's own.
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { isNoContentStatus, type ResponseHeaders, type StartResponse, type Write } from '@tsgi/core';
import { ResponseError, ResponseState } from '@tsgi/core/gateway';
import { LintError, show } from './lint-error.js';
import type { LintedOffer } from './lint-websocket.js';

/** Runs one of core's response rules and reports a breach under the same rule id. */
function rule<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ResponseError) throw new LintError(error.rule, error.message);
    throw error;
  }
}

/** lint's own header rules (the gateways pass these headers on): a Status header, content headers on no-content statuses. */
function checkLintHeaders(status: string, headers: ResponseHeaders): void {
  const noContent = isNoContentStatus(Number(status.slice(0, 3)));
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'status') throw new LintError('headers.status', `the app sent the header ${name}: ${value}`);
    if (noContent && (lower === 'content-type' || lower === 'content-length')) {
      throw new LintError('headers.no-content', `a ${status.slice(0, 3)} response has the header ${name}`);
    }
  }
}

/**
 * The app side of one call: core's `ResponseState` (the rules every gateway keeps)
 * with lint's reporting, and the checks only lint makes.
 */
export class ResponseCheck extends ResponseState {
  /** True once the server closed the body. */
  closed = false;
  /** True while the server is inside a next() of the body: write() is not allowed then. */
  iterating = false;
  readonly #serverStart: StartResponse;
  #serverWrite: Write | undefined = undefined;
  /** Given to the app in place of the server's startResponse. */
  readonly startResponse: StartResponse;
  readonly #write: Write;
  /** The WebSocket offer of this call, linted: a 101 is allowed once it was accepted. */
  offer: LintedOffer | undefined = undefined;

  constructor(method: string, serverStart: StartResponse) {
    super(method === 'HEAD');
    this.#serverStart = serverStart;
    this.startResponse = this.#start.bind(this);
    this.#write = this.#writeChunk.bind(this);
  }

  #start(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    const failing = excInfo !== undefined && excInfo !== null;
    if (failing && !(excInfo instanceof Error)) {
      throw new LintError('start-response.exc-info-type', `startResponse(${show(status)}, headers, ${show(excInfo)}) was called`);
    }
    if (failing && this.headersSent) {
      // Core's rule says the server must rethrow excInfo now: check that it does.
      this.#serverStart(status, headers, excInfo);
      throw new LintError(
        'start-response.exc-info',
        'the server\'s startResponse returned normally when called with excInfo after the headers were sent',
        { cause: excInfo },
      );
    }
    this.switchAllowed = this.offer?.accepted === true;
    const length = rule(() => this.checkStart(status, headers, excInfo));
    checkLintHeaders(status, headers);
    const write: unknown = this.#serverStart(status, headers, excInfo);
    if (typeof write !== 'function') {
      throw new LintError('start-response.callable', `the server's startResponse returned ${show(write)}, not a write function`);
    }
    this.#serverWrite = write as Write;
    this.accept(status, headers, length);
    return this.#write;
  }

  #writeChunk(chunk: Uint8Array): void {
    if (this.closed) throw new LintError('write.late', 'write() was called after the body was closed');
    if (this.iterating) throw new LintError('write.in-body', 'write() was called while the server was iterating the body');
    rule(() => this.checkWrite(chunk));
    // The first write() sends the headers, even when empty (PEP 3333).
    this.headersSent = true;
    this.count(chunk.byteLength);
    this.#serverWrite!(chunk);
  }

  /** Checks a chunk of the body on its way to the server, and counts it. */
  chunk(chunk: unknown): void {
    rule(() => this.checkChunk(chunk));
    this.count((chunk as Uint8Array).byteLength);
  }

  /** Accounts for `n` body bytes on their way to the server. */
  count(n: number): void {
    if (n === 0) return;
    if (isNoContentStatus(this.code)) {
      throw new LintError('body.no-content', `a ${this.status} response got ${n} body bytes`);
    }
    this.headersSent = true;
    if (this.take(n) < n) {
      throw new LintError('body.content-length', `the body has at least ${this.written + n} bytes but Content-Length is ${this.contentLength}`);
    }
  }

  /** The body is complete: startResponse was called and Content-Length was kept. */
  complete(): void {
    const problem = this.endProblem();
    if (problem !== undefined) throw new LintError(problem.rule, problem.message);
  }
}
