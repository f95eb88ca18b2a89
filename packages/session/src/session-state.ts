/**
 * The session object an app finds at `environ['tsgi.session']`: values by key, flash
 * messages read once, `regenerate()` at login, `destroy()` at logout. It works on data
 * loaded before the app was called, so every method is synchronous; what the store
 * must do is decided once, when the response starts ({@link SessionState.plan}), and
 * the session cannot change after that (a change then would be lost: it throws).
 *
 * Change tracking decides whether anything is written and whether a `Set-Cookie` goes
 * out: `set`, `delete`, `flash`, reading a flash, `regenerate` and `destroy` are
 * changes; so is changing an object `get` returned (`session.get('cart').push(item)`),
 * found by comparing the JSON of the session with a snapshot taken when `get` first
 * handed out an object.
 *
 * @example
 * const session = sessionOf(environ);
 * session.set('user', 'alice');
 * session.regenerate(); // new id, same data: the id a visitor had before login is dead
 * session.flash('notice', 'Welcome back');
 * @module
 */
import type { Environ } from '@tsgi/core';
import { newSessionId } from './session-id.js';
import type { SessionData, StoredSession } from './store.js';

/** The environ key of the request's {@link Session}. */
export const SESSION_KEY = 'tsgi.session';

/** The session of one request (see the module comment). */
export interface Session {
  /** The session's id: a new one for a new session, after `regenerate()` and after `destroy()`. */
  readonly id: string;
  /** True when the request brought no live session (no cookie, an unknown id, an expired or forged cookie). */
  readonly isNew: boolean;
  get<T = unknown>(key: string): T | undefined;
  /** Sets a JSON-serializable value; `undefined` deletes the key. */
  set(key: string, value: unknown): void;
  delete(key: string): boolean;
  has(key: string): boolean;
  keys(): string[];
  /** A new id for the same data; the old id is destroyed in the store. Call it at login (session fixation). */
  regenerate(): void;
  /** Ends the session: the data is gone, the store forgets the id, the cookie is cleared. */
  destroy(): void;
  /** Adds a message under `key` for a later request (after a redirect) to read once. */
  flash(key: string, value: unknown): void;
  /** The messages under `key`, removed from the session: each is read once. */
  flashes<T = unknown>(key: string): T[];
}

/** What the store and the cookie must do for a request, decided when the response starts. */
export interface CommitPlan {
  /** Ids to destroy in the store (regenerated or destroyed sessions, expired ones). */
  retire: string[];
  /** Write the session (it changed, or is new and holds something, or was regenerated). */
  save: boolean;
  /** The session as it is to be stored. */
  session: StoredSession;
  /** Roll the expiry of an unchanged session (rolling mode): touch and re-send the cookie. */
  touch: boolean;
  /** Clear the client's cookie (when nothing is saved): it named a session that is no more. */
  clearCookie: boolean;
}

const REASON = 'the session was saved when the response started (startResponse, or the first chunk of a lazy body); change it before';

function checkValue(key: string, value: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`session.set(${JSON.stringify(key)}): the value must be JSON-serializable: ${String(error)}`, { cause: error });
  }
  if (text === undefined) {
    throw new TypeError(`session.set(${JSON.stringify(key)}): the value must be JSON-serializable, got ${typeof value}`);
  }
}

export class SessionState implements Session {
  /** Made on first read: a visitor whose session is never saved costs no random bytes. */
  #id: string | undefined;
  readonly #isNew: boolean;
  /** The current id is the one the request's cookie named (and the store holds). */
  #idFromRequest: boolean;
  readonly #data: Map<string, unknown>;
  #flash: Map<string, unknown[]>;
  #created: number;
  #changed = false;
  /** Saved even if unchanged: regenerated. */
  #mustSave = false;
  #snapshot: string | undefined = undefined;
  readonly #retired: string[] = [];
  #clearCookie: boolean;
  #planned = false;

  /**
   * `loaded` is the session the request brought, undefined for a new one;
   * `clearCookie` says the request's cookie named nothing live; `retire` an id to destroy.
   */
  constructor(
    readonly environ: Environ,
    private readonly now: () => number,
    loaded?: { id: string; stored: StoredSession },
    clearCookie = false,
    retire?: string,
  ) {
    this.#id = loaded?.id;
    this.#isNew = loaded === undefined;
    this.#idFromRequest = !this.#isNew;
    this.#data = new Map(Object.entries(loaded?.stored.data ?? {}));
    this.#flash = new Map(Object.entries(loaded?.stored.flash ?? {}));
    this.#created = loaded?.stored.created ?? now();
    this.#clearCookie = clearCookie;
    if (retire !== undefined) this.#retired.push(retire);
  }

  get id(): string {
    return (this.#id ??= newSessionId());
  }

  get isNew(): boolean {
    return this.#isNew;
  }

  /** When the session began, epoch ms. */
  get created(): number {
    return this.#created;
  }

  #change(what: string): void {
    if (this.#planned) throw new Error(`session.${what}: ${REASON}`);
    this.#changed = true;
  }

  get<T = unknown>(key: string): T | undefined {
    const value = this.#data.get(key);
    // The app may change this object in place: remember what it was.
    if (typeof value === 'object' && value !== null && !this.#changed && this.#snapshot === undefined) this.#snapshot = this.#json();
    return value as T | undefined;
  }

  set(key: string, value: unknown): void {
    if (typeof key !== 'string') throw new TypeError(`session.set: the key must be a string, got ${typeof key}`);
    if (value === undefined) {
      this.delete(key);
      return;
    }
    checkValue(key, value);
    const old = this.#data.get(key);
    if (Object.is(old, value) && (typeof value !== 'object' || value === null)) return;
    this.#change('set()');
    this.#data.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.#data.has(key)) return false;
    this.#change('delete()');
    return this.#data.delete(key);
  }

  has(key: string): boolean {
    return this.#data.has(key);
  }

  keys(): string[] {
    return [...this.#data.keys()];
  }

  regenerate(): void {
    this.#change('regenerate()');
    if (this.#idFromRequest) this.#retired.push(this.#id!);
    this.#id = newSessionId();
    this.#idFromRequest = false;
    // A new lifetime too: absolute expiry counts from the login, not from the first visit.
    this.#created = this.now();
    this.#mustSave = true;
  }

  destroy(): void {
    this.#change('destroy()');
    if (this.#idFromRequest) this.#retired.push(this.#id!);
    if (!this.#isNew) this.#clearCookie = true;
    this.#id = undefined;
    this.#idFromRequest = false;
    this.#created = this.now();
    this.#data.clear();
    this.#flash.clear();
    this.#changed = false;
    this.#mustSave = false;
    this.#snapshot = undefined;
  }

  flash(key: string, value: unknown): void {
    if (typeof key !== 'string') throw new TypeError(`session.flash: the key must be a string, got ${typeof key}`);
    checkValue(key, value);
    this.#change('flash()');
    const list = this.#flash.get(key);
    if (list === undefined) this.#flash.set(key, [value]);
    else list.push(value);
  }

  flashes<T = unknown>(key: string): T[] {
    const list = this.#flash.get(key);
    if (list === undefined) return [];
    this.#change('flashes()');
    this.#flash.delete(key);
    return list as T[];
  }

  #stored(): StoredSession {
    const stored: StoredSession = { data: Object.fromEntries(this.#data) as SessionData, created: this.#created };
    if (this.#flash.size > 0) stored.flash = Object.fromEntries(this.#flash);
    return stored;
  }

  #json(): string {
    return JSON.stringify(this.#stored());
  }

  #isEmpty(): boolean {
    return this.#data.size === 0 && this.#flash.size === 0;
  }

  /**
   * What to do now that the response starts; the session is frozen from here on.
   * A new session is saved only when it holds something (or was regenerated): a
   * visitor who never logs in costs no store write and gets no cookie.
   */
  plan(rolling: boolean): CommitPlan {
    this.#planned = true;
    const changed = this.#changed || (this.#snapshot !== undefined && this.#json() !== this.#snapshot);
    const save = this.#mustSave || (changed && !(!this.#idFromRequest && this.#isEmpty()));
    return {
      retire: this.#retired,
      save,
      session: this.#stored(),
      touch: !save && rolling && this.#idFromRequest,
      clearCookie: !save && this.#clearCookie,
    };
  }

  /** Whether the request's cookie already names the current id (false for a new, regenerated or destroyed session). */
  get idFromRequest(): boolean {
    return this.#idFromRequest;
  }
}
