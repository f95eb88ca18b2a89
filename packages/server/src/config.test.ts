import { parseCli } from './cli-args.js';
import { ConfigError, envName, flagName, fromEnv, limitsOf, resolveSettings, splitTarget } from './config.js';

test('names: a setting is a kebab-case flag and a TSGI_ variable', () => {
  expect(flagName('gracefulTimeout')).toBe('graceful-timeout');
  expect(envName('maxRequestsJitter')).toBe('TSGI_MAX_REQUESTS_JITTER');
});

test('first source wins; strings from flags and env become numbers; defaults fill the rest', () => {
  const settings = resolveSettings([
    ['the command line', { port: '9000' }],
    ['the environment', fromEnv({ TSGI_PORT: '1', TSGI_WORKERS: '3', TSGI_APP: 'env.js' })],
    ['tsgi.config.json', { app: 'file.js', workers: 8, maxRequests: 100 }],
  ]);
  expect(settings).toMatchObject({ app: 'env.js', port: 9000, workers: 3, maxRequests: 100, host: '127.0.0.1', timeout: 30 });
});

test('bad values name the setting and where it came from', () => {
  const bad = (values: Record<string, unknown>): (() => unknown) => () => resolveSettings([['tsgi.config.json', { app: 'a.js', ...values }]]);
  expect(bad({ workers: 0 })).toThrow(new ConfigError('workers (from tsgi.config.json) must be a positive number, got 0'));
  expect(bad({ port: 70000 })).toThrow(/port \(from tsgi.config.json\) must be at most 65535/);
  expect(bad({ maxRequests: 1.5 })).toThrow(/max-requests/);
  expect(bad({ headerMap: 'keep' })).toThrow(/header-map .* must be 'drop' or 'refuse'/);
  expect(() => resolveSettings([])).toThrow(/no application given/);
});

test('limitsOf maps gunicorn semantics (0 = unlimited, field size 0 = default)', () => {
  const settings = resolveSettings([['x', { app: 'a.js', limitRequestLine: 0, limitRequestFieldSize: 0, maxBodySize: 1024 }]]);
  expect(limitsOf(settings)).toEqual({
    maxRequestLine: Infinity,
    maxHeaders: 100,
    maxHeaderFieldBytes: 8190,
    maxBodyBytes: 1024,
    headerMap: 'drop',
  });
});

test('splitTarget: module[:export], leaving a Windows drive letter alone', () => {
  expect(splitTarget('./app.ts:api')).toEqual({ module: './app.ts', name: 'api' });
  expect(splitTarget('app.js')).toEqual({ module: 'app.js', name: undefined });
  expect(splitTarget('C:\\srv\\app.js')).toEqual({ module: 'C:\\srv\\app.js', name: undefined });
});

test('parseCli: serve with flags, help, version, and usage errors', () => {
  expect(parseCli(['serve', 'app.js', '--port', '0', '-c', 'x.json'])).toEqual({
    kind: 'serve',
    config: 'x.json',
    flags: { app: 'app.js', port: '0' },
  });
  expect(parseCli(['--help']).kind).toBe('help');
  expect(parseCli(['-v']).kind).toBe('version');
  expect(() => parseCli(['run', 'app.js'])).toThrow(/unknown command 'run'/);
  expect(() => parseCli([])).toThrow(/missing command/);
  expect(() => parseCli(['serve', 'a.js', 'b.js'])).toThrow(/unexpected arguments: b.js/);
});
