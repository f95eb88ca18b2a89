/**
 * The request headers as a read-only, fetch-`Headers`-like view of the environ:
 * `get`, `has`, `entries`, `keys`, `values`, `forEach` and iteration, reading the
 * `HTTP_*` keys and `CONTENT_TYPE`/`CONTENT_LENGTH` when asked, so it always shows
 * the environ as it is now (after a proxyFix or an auth layer changed it) and costs
 * nothing until used.
 *
 * Values are what the environ holds: PEP 3333 native strings (one character per
 * byte), as fetch's `Headers` gives a header's bytes. A header a client sent twice
 * is one value joined with `, ` (`Cookie` with `; `), as the gateway joined it.
 *
 * @example
 * const headers = request(environ).headers;
 * headers.get('Accept'); // environ.HTTP_ACCEPT
 * for (const [name, value] of headers) console.log(name, value); // lower-case names, sorted
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @see https://fetch.spec.whatwg.org/#headers-class
 * @module
 */
import { environKey, requestHeaderName, type Environ } from '@tsgi/core';

/** What `request(environ).headers` offers: fetch's `Headers` without the methods that change it. */
export interface ReadonlyHeaders extends Iterable<[string, string]> {
  /** The value of `name` (any case), or `null` when the request has none. */
  get(name: string): string | null;
  has(name: string): boolean;
  /** `[name, value]` pairs, names lower-cased and sorted, as fetch's Headers iterates. */
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  forEach(callback: (value: string, name: string, headers: ReadonlyHeaders) => void): void;
}

export class EnvironHeaders implements ReadonlyHeaders {
  readonly #environ: Environ;

  constructor(environ: Environ) {
    this.#environ = environ;
  }

  get(name: string): string | null {
    const key = environKey(name);
    if (key === null) return null;
    const value = this.#environ[key];
    return typeof value === 'string' ? value : null;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  /** Every header the environ holds, sorted by name. */
  #list(): Array<[string, string]> {
    const list: Array<[string, string]> = [];
    for (const key of Object.keys(this.#environ)) {
      const name = requestHeaderName(key);
      const value = this.#environ[key];
      if (name !== undefined && typeof value === 'string') list.push([name, value]);
    }
    return list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  entries(): IterableIterator<[string, string]> {
    return this.#list()[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return this.#list().map(([name]) => name)[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return this.#list().map(([, value]) => value)[Symbol.iterator]();
  }

  forEach(callback: (value: string, name: string, headers: ReadonlyHeaders) => void): void {
    for (const [name, value] of this.#list()) callback(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
