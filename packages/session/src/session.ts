/**
 * `session(options)`: a session for every request at `environ['tsgi.session']`
 * ({@link SESSION_KEY}, read it with {@link sessionOf}), loaded before the app runs
 * and saved when the response starts, through core's response wrapper (the head is
 * held until the store has answered, so the `Set-Cookie` can say what was saved).
 *
 * - The session cookie names an id in a server-side store (`memoryStore()`, Redis) or
 *   holds the session itself, encrypted (`cookieStore({ keys })`).
 * - An id the store does not know is never adopted: the request gets a new session
 *   with a new random id (no fixation by a planted cookie), and a destroyed or expired
 *   session never comes back (rack-session's CVE-2025-46336). A cookie that names
 *   nothing live is cleared.
 * - `Set-Cookie` goes out only when the session was saved under an id the client does
 *   not have yet, changed (cookie store), was rolled (`expiry: 'rolling'`), or ended.
 *   A visitor whose session stays empty gets no cookie and costs no store write.
 * - A store that fails or hangs costs at most `storeTimeout`: the request gets a 503
 *   (or an `HttpError` with `throwHttpErrors`), the outage is logged once, and requests
 *   succeed again as soon as the store does.
 *
 * Put it below `proxyFix()` (the `Secure` attribute follows `wsgi.url_scheme`) and
 * above `csrf()` and the routes that log users in and out.
 *
 * @example
 * const app = compose(proxyFix(), session({ store: cookieStore({ keys: [process.env.SESSION_SECRET!] }) }), csrf())(routes);
 * // in a route: sessionOf(environ).set('user', 'alice'); sessionOf(environ).regenerate();
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 * @see https://github.com/rack/rack-session/security/advisories/GHSA-vpfw-47h7-xj4g (CVE-2025-46336)
 * @module
 */
import { wrapResponse, type Application, type Body, type Environ, type Middleware, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { request } from '@tsgi/request';
import { clearSessionCookie, setSessionCookie } from './cookie.js';
import { resolveSessionOptions, type SessionOptions } from './options.js';
import { replaceWithUnavailable, storeUnavailable, storeUnavailableError } from './refusal.js';
import { isSessionId } from './session-id.js';
import { SESSION_KEY, SessionState, type CommitPlan, type Session } from './session-state.js';
import { log, SessionStoreError, StoreGuard } from './store-call.js';
import { isCookieStore, isStoredSession, type CookieStore, type SessionStore } from './store.js';

/** The session `session()` put in `environ`; a TypeError saying what to do when there is none. */
export function sessionOf(environ: Environ): Session {
  const found = environ[SESSION_KEY];
  if (!(found instanceof SessionState)) {
    throw new TypeError(`sessionOf: environ['${SESSION_KEY}'] is ${found === undefined ? 'not set' : typeof found}; put session() above this app`);
  }
  return found;
}

function nothingToDo(plan: CommitPlan): boolean {
  return plan.retire.length === 0 && !plan.save && !plan.touch && !plan.clearCookie;
}

export function session(options: SessionOptions = {}): Middleware {
  const { store, maxAge, rolling, cookie, storeTimeout, throwHttpErrors, now } = resolveSessionOptions(options);
  const guard = new StoreGuard(storeTimeout);
  const cookieKept = isCookieStore(store) ? store : undefined;
  const serverStore = store as SessionStore;
  let warned = false;

  /**
   * The request's session from its cookie: a new one for anything that is not a live
   * session of ours; a promise of the store's answer (`stored`, for {@link fromStore})
   * when it has to ask a server-side store.
   */
  function load(environ: Environ): SessionState | Promise<SessionState> | Promise<unknown> {
    const value = request(environ).cookies[cookie.name];
    if (value === undefined || value === '') return new SessionState(environ, now);
    if (cookieKept !== undefined) return open(environ, cookieKept, value);
    if (!isSessionId(value)) return new SessionState(environ, now, undefined, true);
    return guard.call(environ, 'get', () => serverStore.get(value));
  }

  /** The session for what the store answered to the request's id. */
  function fromStore(environ: Environ, stored: unknown): SessionState {
    if (!isStoredSession(stored)) return new SessionState(environ, now, undefined, true);
    const id = request(environ).cookies[cookie.name]!;
    // Ended by absolute expiry (a store that kept it past its TTL): gone for good.
    if (!rolling && stored.created + maxAge <= now()) return new SessionState(environ, now, undefined, true, id);
    return new SessionState(environ, now, { id, stored });
  }

  async function open(environ: Environ, sealer: CookieStore, value: string): Promise<SessionState> {
    const sealed = await sealer.open(cookie.name, value);
    const t = now();
    if (sealed === undefined || sealed.expires <= t || (!rolling && sealed.created + maxAge <= t)) return new SessionState(environ, now, undefined, true);
    const { data, flash, created } = sealed;
    return new SessionState(environ, now, { id: sealed.id, stored: flash === undefined ? { data, created } : { data, flash, created } });
  }

  /** Writes what `plan` says; the Set-Cookie to send, if any. */
  async function commit(state: SessionState, plan: CommitPlan): Promise<string | undefined> {
    const { environ } = state;
    const scheme = environ['wsgi.url_scheme'];
    for (const id of plan.retire) {
      if (cookieKept === undefined) await guard.call(environ, 'destroy', () => serverStore.destroy(id));
    }
    if (plan.save || plan.touch) {
      const stored = plan.session;
      const t = now();
      const ttl = rolling ? maxAge : stored.created + maxAge - t;
      if (ttl <= 0) {
        if (cookieKept === undefined && state.idFromRequest) await guard.call(environ, 'destroy', () => serverStore.destroy(state.id));
        return state.idFromRequest || plan.clearCookie ? clearSessionCookie(cookie, scheme) : undefined;
      }
      if (cookieKept !== undefined) {
        const value = await cookieKept.seal(cookie.name, { ...stored, id: state.id, expires: t + ttl });
        return setSessionCookie(cookie, scheme, value, ttl);
      }
      if (plan.save) await guard.call(environ, 'set', () => serverStore.set(state.id, stored, ttl));
      else await guard.call(environ, 'touch', () => serverStore.touch(state.id, ttl));
      // In absolute mode the client's cookie already names this id, with the right Max-Age.
      return rolling || !state.idFromRequest ? setSessionCookie(cookie, scheme, state.id, ttl) : undefined;
    }
    return plan.clearCookie ? clearSessionCookie(cookie, scheme) : undefined;
  }

  const hooks: ResponseHooks<SessionState> = {
    respond(head, body, state) {
      const plan = state.plan(rolling);
      if (nothingToDo(plan)) return body;
      return commit(state, plan).then(
        (setCookie) => {
          if (setCookie !== undefined) head.headers = head.headers.concat([['Set-Cookie', setCookie]]);
          return body;
        },
        (error: unknown) => {
          if (!(error instanceof SessionStoreError)) throw error;
          if (throwHttpErrors) throw storeUnavailableError(error);
          return replaceWithUnavailable(head);
        },
      );
    },
  };

  /** Once, at the first request: what the store has to say about where it runs. */
  function warnOnce(environ: Environ): void {
    warned = true;
    let warning: string | undefined;
    try {
      warning = cookieKept === undefined ? serverStore.warning?.() : undefined;
    } catch (error) {
      warning = `the store's warning() threw: ${String(error)}`;
    }
    if (warning !== undefined) log(environ, `session: ${warning}`);
  }

  return function sessionMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError(`session: the application must be a function (environ, startResponse), got ${typeof app}`);

    function run(state: SessionState, environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      environ[SESSION_KEY] = state;
      return wrapResponse(app, environ, startResponse, hooks, state);
    }

    function failed(error: unknown, startResponse: StartResponse): Body {
      if (!(error instanceof SessionStoreError)) throw error;
      if (throwHttpErrors) throw storeUnavailableError(error);
      return storeUnavailable(startResponse);
    }

    return function sessionApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      if (!warned) warnOnce(environ);
      const loaded = load(environ);
      if (loaded instanceof SessionState) return run(loaded, environ, startResponse);
      // One promise for the store's answer and the app after it, not one each.
      return loaded.then(
        (answer) => run(answer instanceof SessionState ? answer : fromStore(environ, answer), environ, startResponse),
        (error: unknown) => failed(error, startResponse),
      );
    };
  };
}
