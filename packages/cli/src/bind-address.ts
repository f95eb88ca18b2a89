/**
 * gunicorn's `--bind` addresses: `HOST:PORT`, `[IPv6]:PORT`, `HOST` (port 8000),
 * `:PORT` (on 127.0.0.1: exposing a server is a choice, so an empty host is loopback,
 * where gunicorn would take every address) and `unix:/path` for a Unix domain socket
 * (what nginx's `proxy_pass http://unix:/run/app.sock` talks to). Parsed strictly,
 * with the same one-line errors as the other settings.
 *
 * @example
 * parseBind('unix:/run/tsgi.sock', '--bind'); // { kind: 'unix', path: '/run/tsgi.sock' }
 * parseBind('[::1]:8080', '--bind');         // { kind: 'tcp', host: '::1', port: 8080 }
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html#bind
 * @module
 */
import { isIP } from 'node:net';
import { ConfigError } from './setting-value.js';

export type BindAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

const PORT = /^\d{1,5}$/;

function port(text: string, bind: string, label: string): number {
  const value = Number(text);
  if (!PORT.test(text) || value > 65535) {
    throw new ConfigError(`${label} ${JSON.stringify(bind)}: the port must be a whole number from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** One `--bind` value; `label` names the option in errors. */
export function parseBind(bind: string, label: string, defaultPort = 8000): BindAddress {
  if (bind.startsWith('unix:')) {
    const path = bind.slice('unix:'.length);
    if (path === '') throw new ConfigError(`${label} ${JSON.stringify(bind)}: give a socket path, e.g. unix:/run/tsgi.sock`);
    return { kind: 'unix', path };
  }
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(bind);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) throw new ConfigError(`${label} ${JSON.stringify(bind)}: ${bracketed[1]} is not an IPv6 address`);
    return { kind: 'tcp', host: bracketed[1]!, port: bracketed[2] === undefined ? defaultPort : port(bracketed[2], bind, label) };
  }
  if (isIP(bind) === 6) return { kind: 'tcp', host: bind, port: defaultPort };
  const colon = bind.lastIndexOf(':');
  if (colon === -1) {
    if (bind === '') throw new ConfigError(`${label} is empty: give HOST:PORT or unix:/path`);
    return { kind: 'tcp', host: bind, port: defaultPort };
  }
  const host = bind.slice(0, colon) || '127.0.0.1';
  if (host.includes(':')) throw new ConfigError(`${label} ${JSON.stringify(bind)}: put an IPv6 address in brackets, e.g. [::1]:8000`);
  return { kind: 'tcp', host, port: port(bind.slice(colon + 1), bind, label) };
}

/** How an address is shown in the start-up line, with the port actually bound. */
export function bindUrl(address: BindAddress, tls: boolean): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}
