import fc from 'fast-check';
import { availableParallelism } from 'node:os';
import { parseCli } from './cli-args.js';
import { COMMAND_LINE, ConfigError, defaultNodeEnv, ENVIRONMENT, envName, flagName, fromEnv, limitsOf, resolveSettings } from './config.js';
import { parseBind } from './bind-address.js';
import { closest } from './did-you-mean.js';

/** The settings as `tsgi serve app.js ...args` would resolve them. */
const fromArgs = (...args: string[]): ReturnType<typeof resolveSettings> => {
  const command = parseCli(['serve', 'app.js', ...args]);
  if (command.kind !== 'serve') throw new Error('not a serve command');
  return resolveSettings([[COMMAND_LINE, command.flags]]);
};
const cap = 4 * availableParallelism();

test('names: a setting is a kebab-case flag and a TSGI_ variable', () => {
  expect(flagName('gracefulTimeout')).toBe('graceful-timeout');
  expect(envName('maxRequestsJitter')).toBe('TSGI_MAX_REQUESTS_JITTER');
});

test('first source wins; strings from flags and env become numbers; defaults fill the rest', () => {
  const settings = resolveSettings([
    [COMMAND_LINE, { port: '9000' }],
    [ENVIRONMENT, fromEnv({ TSGI_PORT: '1', TSGI_WORKERS: '3', TSGI_APP: 'env.js' })],
    ['tsgi.config.json', { app: 'file.js', workers: 8, maxRequests: 100 }],
  ]);
  expect(settings).toMatchObject({ app: 'env.js', port: 9000, workers: 3, maxRequests: 100, host: '127.0.0.1', timeout: 30, backlog: 2048 });
});

test('numbers are decimal digits only: 1e3, 0x10, -1, 8k and 1.5 are refused with one line naming option, value and range', () => {
  expect(() => fromArgs('--workers', '1e3')).toThrow(
    new ConfigError(`--workers must be a whole number from 1 to ${cap} (the cap is ${cap}; --workers-max raises it), got "1e3"`),
  );
  expect(() => fromArgs('--workers', '0x10')).toThrow(/^--workers must be a whole number from 1 to \d+ .*got "0x10"$/);
  expect(() => fromArgs('--port', '-1')).toThrow(new ConfigError('--port must be a whole number from 0 to 65535, got "-1"'));
  expect(() => fromArgs('--max-body-size', '8k')).toThrow(new ConfigError('--max-body-size must be a whole number 0 or more, got "8k"'));
  expect(() => fromArgs('--max-requests', '1.5')).toThrow(/--max-requests must be a whole number/);
  expect(() => fromArgs('--port', '65536')).toThrow(/--port must be a whole number from 0 to 65535, got "65536"/);
  expect(() => fromArgs('--timeout', '8e3')).toThrow(new ConfigError('--timeout must be a number of seconds from 0 to 86400, got "8e3"'));
  // Times may be fractions of a second; numbers from a config file stay numbers.
  expect(fromArgs('--timeout', '0.5').timeout).toBe(0.5);
  expect(() => resolveSettings([['tsgi.json', { app: 'a.js', workers: 2.5 }]])).toThrow(/^"workers" in tsgi.json must be a whole number/);
  expect(() => resolveSettings([[ENVIRONMENT, fromEnv({ TSGI_APP: 'a.js', TSGI_BACKLOG: '0' })]])).toThrow(
    new ConfigError('TSGI_BACKLOG must be a whole number from 1 to 65535, got "0"'),
  );
});

test('property: an integer setting takes exactly the decimal numerals in its range', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.integer({ min: -10, max: 70_000 }).map(String), fc.double().map(String)), (text) => {
      const ok = /^\d+$/.test(text.trim()) && Number(text) <= 65535;
      let got: number | undefined;
      try {
        got = fromArgs('--port', text).port;
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).not.toContain('\n');
      }
      expect(got !== undefined).toBe(ok);
      if (ok) expect(got).toBe(Number(text));
    }),
  );
});

test('--workers is capped at 4 per core unless --workers-max raises it', () => {
  expect(() => fromArgs('--workers', String(cap + 1))).toThrow(/--workers-max raises it/);
  expect(fromArgs('--workers', String(cap + 1), '--workers-max', String(cap + 1)).workers).toBe(cap + 1);
  expect(fromArgs().workers).toBe(availableParallelism());
  // The default (one per core) stays under a lower cap.
  expect(fromArgs('--workers-max', '1').workers).toBe(1);
});

test('zero means what gunicorn means: timeout off, fields 32768, field size and line unlimited', () => {
  const settings = fromArgs('--timeout', '0', '--limit-request-fields', '0', '--limit-request-field-size', '0', '--limit-request-line', '0');
  expect(settings.timeout).toBe(0);
  expect(limitsOf(settings)).toEqual({
    maxRequestLine: Infinity,
    maxHeaders: 32768,
    maxHeaderFieldBytes: Infinity,
    maxBodyBytes: Infinity,
    headerMap: 'drop',
  });
  expect(limitsOf(fromArgs())).toMatchObject({ maxRequestLine: 4094, maxHeaders: 100, maxHeaderFieldBytes: 8190 });
});

test('bad values of other kinds: choices, the TLS pair, a missing app', () => {
  expect(() => fromArgs('--header-map', 'keep')).toThrow(new ConfigError('--header-map must be one of drop, refuse, got "keep"'));
  expect(() => fromArgs('--access-log-format', 'apache')).toThrow(/must be one of common, combined, json/);
  expect(() => fromArgs('--certfile', 'c.pem')).toThrow(new ConfigError('--certfile needs --keyfile too: HTTPS takes a certificate and its private key'));
  expect(() => resolveSettings([])).toThrow(/no application given/);
});

test('--dev is a flag: no value on the command line; true/false/1/0 from TSGI_DEV or the config file', () => {
  expect(fromArgs().dev).toBe(false);
  expect(fromArgs('--dev').dev).toBe(true);
  expect(() => parseCli(['serve', 'a.js', '--dev=yes'])).toThrow(new ConfigError('option --dev takes no value, got "yes"'));
  expect(resolveSettings([[ENVIRONMENT, fromEnv({ TSGI_APP: 'a.js', TSGI_DEV: '1' })]]).dev).toBe(true);
  expect(resolveSettings([[ENVIRONMENT, fromEnv({ TSGI_APP: 'a.js', TSGI_DEV: 'false' })]]).dev).toBe(false);
  expect(resolveSettings([['tsgi.json', { app: 'a.js', dev: true }]]).dev).toBe(true);
  expect(() => resolveSettings([[ENVIRONMENT, fromEnv({ TSGI_APP: 'a.js', TSGI_DEV: 'yes' })]])).toThrow(
    new ConfigError('TSGI_DEV must be true or false (1 or 0), got "yes"'),
  );
});

test('defaultNodeEnv: production when NODE_ENV is unset or empty and --dev is not given; a set one is kept', () => {
  const after = (dev: boolean, env: NodeJS.ProcessEnv): string | undefined => (defaultNodeEnv({ dev }, env), env.NODE_ENV);
  expect(after(false, {})).toBe('production');
  expect(after(false, { NODE_ENV: '' })).toBe('production');
  expect(after(true, {})).toBeUndefined();
  expect(after(false, { NODE_ENV: 'development' })).toBe('development');
  expect(after(true, { NODE_ENV: 'test' })).toBe('test');
});

test('--bind: several addresses, IPv6 in brackets, unix sockets; bad ones named', () => {
  const settings = fromArgs('--bind', '127.0.0.1:0', '-b', 'unix:/tmp/a.sock', '--bind=[::1]:8080');
  expect(settings.bind).toEqual(['127.0.0.1:0', 'unix:/tmp/a.sock', '[::1]:8080']);
  expect(parseBind('[::1]:8080', '--bind')).toEqual({ kind: 'tcp', host: '::1', port: 8080 });
  expect(parseBind('unix:/run/x.sock', '--bind')).toEqual({ kind: 'unix', path: '/run/x.sock' });
  expect(parseBind('example.org', '--bind')).toEqual({ kind: 'tcp', host: 'example.org', port: 8000 });
  expect(parseBind(':9000', '--bind')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9000 });
  expect(() => fromArgs('--bind', 'localhost:http')).toThrow(new ConfigError('--bind "localhost:http": the port must be a whole number from 0 to 65535, got "http"'));
  expect(() => fromArgs('--bind', '2001:db8::1:99999')).toThrow(/put an IPv6 address in brackets/);
  expect(() => fromArgs('--bind', 'unix:')).toThrow(/give a socket path/);
  expect(fromArgs('--forwarded-allow-ips', '10.0.0.1, 10.0.0.0/8').forwardedAllowIps).toEqual(['10.0.0.1', '10.0.0.0/8']);
});

test('parseCli: serve with flags, help, version, and one-line usage errors with did-you-mean', () => {
  expect(parseCli(['serve', 'app.js', '--port', '0', '-c', 'x.json'])).toEqual({
    kind: 'serve',
    config: 'x.json',
    flags: { app: 'app.js', port: '0' },
  });
  expect(parseCli(['serve', 'app.js', '--timeout=0', '-w', '2'])).toMatchObject({ flags: { timeout: '0', workers: '2' } });
  expect(parseCli(['--help']).kind).toBe('help');
  expect(parseCli(['-v']).kind).toBe('version');
  expect(() => parseCli(['serve', 'a.js', '--worker', '2'])).toThrow(
    new ConfigError("unknown option --worker (did you mean --workers?); run 'tsgi --help' for the options"),
  );
  expect(() => parseCli(['serve', 'a.js', '--wrokers', '2'])).toThrow(/did you mean --workers\?/);
  expect(() => parseCli(['serve', 'a.js', '--gracefull-timeout', '2'])).toThrow(/did you mean --graceful-timeout\?/);
  expect(() => parseCli(['serve', 'a.js', '--frobnicate'])).toThrow(new ConfigError("unknown option --frobnicate; run 'tsgi --help' for the options"));
  expect(() => parseCli(['serve', 'a.js', '--port'])).toThrow(/option --port needs a value/);
  expect(() => parseCli(['serve', 'a.js', '--port', '1', '--port', '2'])).toThrow(/--port is given twice/);
  expect(() => parseCli(['serv', 'app.js'])).toThrow(new ConfigError("unknown command 'serv' (did you mean 'serve'?): tsgi serve <module>[:export]"));
  expect(() => parseCli([])).toThrow(/missing command/);
  expect(() => parseCli(['serve', 'a.js', 'b.js'])).toThrow(/unexpected arguments: b.js/);
});

test('did-you-mean stays quiet for unrelated words', () => {
  expect(closest('--colour', ['--color', '--port'])).toBe('--color');
  expect(closest('xyz', ['--workers', '--port'])).toBeUndefined();
});
