/**
 * deploy/nginx/tsgi.conf for real: nginx (when it is on PATH) in front of two tsgi
 * instances with proxyFix. Requests are spread over both, the app sees the client's
 * address, scheme and Host, bodies pass, and stopping one instance loses no request.
 * Skips with a message when nginx is not installed (`apt-get install -y nginx`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { serve, type Served } from '@tsgi/server';
import { freePort } from './cli-harness.js';

const CONF = path.resolve(__dirname, '../../../deploy/nginx/tsgi.conf');
const nginxPath = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
// nginx is a real peer this suite needs: scripts/system-packages.sh installs it; missing, the suite fails.
if (nginxPath === undefined || nginxPath === '') {
  throw new Error('cluster-nginx.test.ts needs nginx on PATH: sudo bash scripts/system-packages.sh installs it');
}

const echo = (name: string): Application =>
  async function echoApp(environ, startResponse) {
    let length = 0;
    for await (const chunk of environ['wsgi.input']) length += chunk.byteLength;
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    const seen = { name, remote: environ.REMOTE_ADDR, scheme: environ['wsgi.url_scheme'], host: environ.HTTP_HOST, length };
    return [Buffer.from(JSON.stringify(seen))];
  };

describe('nginx in front of two tsgi instances', () => {
  let nginx: ChildProcess;
  let base: string;
  const instances: Served[] = [];

  beforeAll(async () => {
    for (const name of ['a', 'b']) {
      const app = lint(proxyFix({ trustedProxies: ['127.0.0.1'], for: 1, proto: 1, host: 1 })(lint(echo(name))));
      instances.push(await serve(app, { port: 0, errors: { write: () => true }, shutdownTimeout: 1000 }));
    }
    const [portA, portB] = instances.map((s) => new URL(s.url).port);
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-nginx-'));
    chmodSync(dir, 0o755);
    for (const sub of ['logs', 'tmp']) {
      mkdirSync(path.join(dir, sub));
      chmodSync(path.join(dir, sub), 0o777);
    }
    const conf = readFileSync(CONF, 'utf8')
      .replace('listen 80;', `listen 127.0.0.1:${port};`)
      .replace('127.0.0.1:8001', `127.0.0.1:${portA}`)
      .replace('127.0.0.1:8002', `127.0.0.1:${portB}`);
    writeFileSync(path.join(dir, 'tsgi.conf'), conf);
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log warn;\nevents { worker_connections 256; }\n` +
        `http {\n  access_log off;\n  client_body_temp_path ${dir}/tmp/body;\n  proxy_temp_path ${dir}/tmp/proxy;\n` +
        `  fastcgi_temp_path ${dir}/tmp/f; uwsgi_temp_path ${dir}/tmp/u; scgi_temp_path ${dir}/tmp/s;\n  include ${dir}/tsgi.conf;\n}\n`,
    );
    nginx = spawn(nginxPath!, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    const end = Date.now() + 10_000;
    for (;;) {
      const up = await fetch(base).then(() => true, () => false);
      if (up) break;
      if (Date.now() > end || nginx.exitCode !== null) throw new Error(`nginx did not start:\n${readFileSync(`${dir}/logs/error.log`, 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 20_000);

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await Promise.all(instances.map((s) => s.close()));
  });

  test('requests reach both instances, with the client address, scheme and Host', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 8; i++) {
      // (fetch cannot set Host; the one it sends is the client's, which must arrive.)
      const seen = (await (await fetch(`${base}/x`)).json()) as Record<string, unknown>;
      expect(seen).toMatchObject({ remote: '127.0.0.1', scheme: 'http', host: new URL(base).host });
      names.add(seen.name as string);
    }
    expect([...names].sort()).toEqual(['a', 'b']);
  });

  test('a request body passes through (buffered by nginx, Content-Length to tsgi)', async () => {
    const body = Buffer.alloc(200_000, 120);
    const seen = (await (await fetch(`${base}/upload`, { method: 'POST', body })).json()) as Record<string, unknown>;
    expect(seen.length).toBe(200_000);
  });

  test('one instance stopping loses no request', async () => {
    const stopping = instances[0]!.close();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${base}/after`)).status);
    await stopping;
    expect(statuses).toEqual(Array(10).fill(200));
  });
});
