/**
 * The tsgi CLI with 2 workers (the real CLI as a child process, a new connection per
 * request so the primary deals them to both workers in turn): a cookieStore() login
 * made on one worker is seen by both; memoryStore() keeps it on one worker only and
 * says so once per worker in the log.
 */
import { get } from 'node:http';
import { runCli, startedUrl, stopCli, type Cli } from '../../cli/test/cli-harness.js';

jest.setTimeout(60_000);

let cli: Cli;
let url: string;

interface Answer {
  user: string;
  pid: string;
  cookie: string | undefined;
}

/** GET on a new connection, with `cookie`. */
function visit(path: string, cookie?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}${path}`, { agent: false, timeout: 5000, headers: cookie === undefined ? {} : { Cookie: cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const [user, pid] = body.split(' ');
        const set = res.headers['set-cookie']?.[0];
        resolve({ user: user!, pid: pid!, cookie: set?.slice(0, set.indexOf(';')) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  cli = runCli(['serve', 'packages/session/test/fixtures/cluster-app.ts:app', '--port', '0', '--workers', '2']);
  url = await startedUrl(cli, 30_000);
  const end = Date.now() + 20_000;
  const pids = new Set<string>();
  while (pids.size < 2 && Date.now() < end) pids.add((await visit('/cookie/')).pid);
  expect(pids.size).toBe(2);
});
afterAll(() => stopCli(cli));

test('cookieStore(): a login on one worker is seen on both', async () => {
  const login = await visit('/cookie/login');
  expect(login.user).toBe('alice');
  const seen = new Map<string, string>();
  for (let i = 0; i < 8; i++) {
    const answer = await visit('/cookie/', login.cookie);
    seen.set(answer.pid, answer.user);
  }
  expect([...seen.values()]).toEqual(['alice', 'alice']);
});

test('memoryStore(): the login lives on one worker only, and each worker says so once', async () => {
  const login = await visit('/memory/login');
  const users = new Map<string, Set<string>>();
  for (let i = 0; i < 8; i++) {
    const answer = await visit('/memory/', login.cookie);
    users.set(answer.pid, (users.get(answer.pid) ?? new Set()).add(answer.user));
  }
  expect(users.size).toBe(2);
  expect(users.get(login.pid)).toEqual(new Set(['alice']));
  expect([...users].filter(([pid]) => pid !== login.pid).map(([, seen]) => [...seen])).toEqual([['nobody']]);
  const warnings = cli.stderr().match(/memoryStore keeps sessions in each worker's memory: with 2 tsgi workers/g) ?? [];
  expect(warnings).toHaveLength(2);
});
