/**
 * The CLI's listening and logging options over real sockets: `--bind` on a TCP port
 * and a Unix socket at once, HTTPS from `--certfile/--keyfile` (a self-signed
 * certificate made by openssl at test time), `--access-log` to a file and to stdout
 * with `--access-log-format`, and `--forwarded-allow-ips` wiring proxyFix.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, get as httpGet, type RequestOptions } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect } from 'node:net';
import * as path from 'node:path';
import { fixtureDir, runCli, startedUrls, stopCli } from './cli-harness.js';

jest.setTimeout(60_000);

const APP = `
export function app(environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [Buffer.from(JSON.stringify({ scheme: environ['wsgi.url_scheme'], remote: environ.REMOTE_ADDR, path: environ.PATH_INFO }))];
}
`;
const dir = fixtureDir({ 'app.mjs': APP });

/** One GET through node:http or node:https with the given options; resolves status and body. */
function fetchWith(get: typeof httpGet, options: RequestOptions & { ca?: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ agent: false, timeout: 5000, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

test('--bind serves one app on a TCP port and a Unix socket at once; the socket file goes away on exit', async () => {
  const socket = path.join(dir, 'tsgi.sock');
  const cli = runCli(['serve', 'app.mjs', '--bind', '127.0.0.1:0', '--bind', `unix:${socket}`, '--workers', '1'], {}, dir);
  try {
    const [tcp, unix] = await startedUrls(cli);
    expect(tcp).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(unix).toBe(`unix:${socket}`);
    const overTcp = await fetchWith(httpGet, { host: '127.0.0.1', port: Number(new URL(tcp!).port), path: '/tcp' });
    expect(JSON.parse(overTcp.body)).toMatchObject({ scheme: 'http', path: '/tcp', remote: '127.0.0.1' });
    const overUnix = await fetchWith(httpGet, { socketPath: socket, path: '/unix' });
    expect(overUnix.status).toBe(200);
    expect(JSON.parse(overUnix.body)).toMatchObject({ scheme: 'http', path: '/unix' });
  } finally {
    await stopCli(cli);
  }
  expect(await cli.exited).toBe(0);
  expect(existsSync(socket)).toBe(false);
});

test('--certfile/--keyfile serve HTTPS; wsgi.url_scheme is https', async () => {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--certfile', cert, '--keyfile', key], {}, dir);
  try {
    const [url] = await startedUrls(cli);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { port } = new URL(url!);
    // Verified against the certificate itself: a real TLS handshake, not one with checks off.
    const answer = await fetchWith(httpsGet, { host: '127.0.0.1', port: Number(port), path: '/secure', ca: readFileSync(cert) });
    expect(JSON.parse(answer.body)).toMatchObject({ scheme: 'https', path: '/secure' });
    // Plain HTTP on the TLS port gets no answer from the app.
    await expect(fetchWith(httpGet, { host: '127.0.0.1', port: Number(port), path: '/' }).then((a) => a.body)).rejects.toThrow();
  } finally {
    await stopCli(cli);
  }
});

test('--access-log FILE writes one line per request (common format), appended by every worker', async () => {
  const file = path.join(dir, 'access.log');
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '2', '--access-log', file, '--access-log-format', 'common'], {}, dir);
  try {
    const [url] = await startedUrls(cli);
    for (const name of ['a', 'b', 'c']) expect((await fetchWith(httpGet, { ...hostPort(url!), path: `/${name}?q=1` })).status).toBe(200);
  } finally {
    await stopCli(cli);
  }
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(3);
  // Each worker writes its own batches, so lines from two workers may land in either order.
  for (const name of ['a', 'b', 'c']) {
    const pattern = new RegExp(`^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET /${name}\\?q=1 HTTP/1\\.1" 200 \\d+$`);
    expect(lines.filter((line) => pattern.test(line))).toHaveLength(1);
  }
});

/** Sends raw bytes and resolves with the first line of the answer. */
function rawStatusLine(url: string, bytes: string): Promise<string> {
  const { host, port } = hostPort(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.end(bytes));
    let data = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

test('--access-log also logs the requests the gateway refuses before the app (rejectLog), in the same format', async () => {
  const file = path.join(dir, 'refused.log');
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--access-log', file, '--access-log-format', 'common', '--limit-request-line', '64'], {}, dir);
  try {
    const [url] = await startedUrls(cli);
    expect((await fetchWith(httpGet, { ...hostPort(url!), path: '/ok' })).status).toBe(200);
    expect(await rawStatusLine(url!, `GET /${'x'.repeat(200)} HTTP/1.1\r\nHost: a\r\n\r\n`)).toMatch(/^HTTP\/1\.1 414 /);
  } finally {
    await stopCli(cli);
  }
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines.find((line) => line.includes('"GET /ok HTTP/1.1" 200'))).toBeDefined();
  // Strict CLF for the refusal too: the status the client got, and what node parsed of the request.
  expect(lines.find((line) => / 414 (-|\d+)$/.test(line))).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] ".*" 414 (-|\d+)$/);
});

test("--access-log - writes to stdout (json); --forwarded-allow-ips trusts the listed proxy's X-Forwarded-For", async () => {
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--access-log', '-', '--access-log-format', 'json', '--forwarded-allow-ips', '127.0.0.1'], {}, dir);
  try {
    const [url] = await startedUrls(cli);
    const answer = await fetchWith(httpGet, { ...hostPort(url!), path: '/via-proxy', headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' } });
    expect(JSON.parse(answer.body)).toEqual({ scheme: 'https', remote: '203.0.113.7', path: '/via-proxy' });
    const end = Date.now() + 5000;
    while (!cli.stdout().includes('/via-proxy') && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await stopCli(cli);
  }
  const line = cli.stdout().split('\n').find((text) => text.startsWith('{'));
  expect(JSON.parse(line!)).toMatchObject({ method: 'GET', path: '/via-proxy', status: 200, remoteAddr: '203.0.113.7' });
});

test('without --forwarded-allow-ips, X-Forwarded-For is not trusted; --keep-alive 0 closes after each response', async () => {
  const plain = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1'], {}, dir);
  const closing = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--keep-alive', '0'], {}, dir);
  const agent = new Agent({ keepAlive: true });
  try {
    const [url] = await startedUrls(plain);
    const answer = await fetchWith(httpGet, { ...hostPort(url!), path: '/', headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(JSON.parse(answer.body)).toMatchObject({ remote: '127.0.0.1', scheme: 'http' });
    expect(await connectionHeader(agent, url!)).toBe('keep-alive');
    expect(await connectionHeader(agent, (await startedUrls(closing))[0]!)).toBe('close');
  } finally {
    agent.destroy();
    await Promise.all([stopCli(plain), stopCli(closing)]);
  }
});

/** The Connection header of a response to a client that would keep the connection. */
function connectionHeader(agent: Agent, url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    httpGet({ ...hostPort(url), path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers.connection));
    }).on('error', reject);
  });
}

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

test('a Unix socket file left by a dead server is replaced; one a live server answers on is "in use"', async () => {
  const socket = path.join(dir, 'stale.sock');
  // A server killed with SIGKILL leaves its socket file behind.
  const holder = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => holder.stdout!.once('data', resolve));
  const live = runCli(['serve', 'app.mjs', '--bind', `unix:${socket}`, '--workers', '1'], {}, dir);
  expect(await live.exited).toBe(1);
  expect(live.stderr()).toContain(`tsgi: error: cannot listen on unix:${socket}: the address is already in use (EADDRINUSE)`);
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  expect(existsSync(socket)).toBe(true);
  const cli = runCli(['serve', 'app.mjs', '--bind', `unix:${socket}`, '--workers', '1'], {}, dir);
  try {
    await startedUrls(cli);
    expect((await fetchWith(httpGet, { socketPath: socket, path: '/after' })).status).toBe(200);
  } finally {
    await stopCli(cli);
  }
});

test('an access log or certificate that cannot be read stops the start with one line naming the option, exit 1', async () => {
  const log = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--access-log', path.join(dir, 'no/such/dir.log')], {}, dir);
  const cert = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--certfile', 'missing.pem', '--keyfile', 'missing.key'], {}, dir);
  expect(await log.exited).toBe(1);
  expect(log.stderr()).toMatch(new RegExp(`^tsgi: error: cannot open --access-log ${path.join(dir, 'no/such/dir.log')}: ENOENT`, 'm'));
  expect(await cert.exited).toBe(1);
  expect(cert.stderr()).toMatch(/^tsgi: error: cannot read --certfile missing.pem: ENOENT/m);
});

test('--headers-timeout holds in the workers: a client that never finishes its headers gets 408', async () => {
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--headers-timeout', '1'], {}, dir);
  try {
    const [url] = await startedUrls(cli);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(hostPort(url!), () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await stopCli(cli);
  }
});
