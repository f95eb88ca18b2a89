/**
 * scripts/system-packages.sh, run by bash with a PATH of stubs: programs that are
 * "installed", an `id` that says who runs it, and an `apt-get` and `service` that
 * record their calls (apt-get "installs" a package by adding its program's stub).
 * Also: `pnpm test` and `.ci/run` call it, and the README names what it installs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts/system-packages.sh');
const BASH = ['/bin/bash', '/usr/bin/bash'].find((file) => existsSync(file))!;
const PACKAGES = ['curl', 'nginx', 'chromium', 'goaccess', 'redis-server', 'prometheus', 'nghttp2-client', 'openssl', 'tar', 'postgresql'];
const PROGRAMS: Record<string, string> = { 'nghttp2-client': 'nghttp', postgresql: 'pg_ctlcluster' };
const programOf = (name: string): string => PROGRAMS[name] ?? name;

interface Run {
  status: number | null;
  stderr: string;
  /** The calls apt-get and service got, one line each. */
  calls: string[];
  bin: string;
}

/** Runs the script with stubs for `present` packages' programs; `tools` are the stubs of id, apt-get and service. */
function run(present: string[], options: { uid: number; aptGet?: boolean; aptInstalls?: (name: string) => boolean }): Run {
  const bin = mkdtempSync(path.join(tmpdir(), 'tsgi-pkgs-'));
  const log = path.join(bin, 'calls.log');
  writeFileSync(log, '');
  const stub = (name: string, body: string): void => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  for (const name of present) stub(programOf(name), 'exit 0');
  stub('id', `echo ${options.uid}`);
  stub('service', `echo "service $*" >> ${log}`);
  if (options.aptGet !== false) {
    const installable = PACKAGES.filter((name) => options.aptInstalls?.(name) ?? true);
    const cases = installable.map((name) => `    ${name}) printf '#!/bin/sh\\n' > ${bin}/${programOf(name)}; /bin/chmod +x ${bin}/${programOf(name)} ;;`);
    stub('apt-get', [`echo "apt-get $*" >> ${log}`, '[ "$1" = install ] || exit 0', 'for p; do', '  case "$p" in', ...cases, '  esac', 'done'].join('\n'));
  }
  // nginx's real /usr/sbin is on the script's PATH too: it is always stubbed here.
  const result = spawnSync(BASH, [SCRIPT], { env: { PATH: bin }, encoding: 'utf8', cwd: ROOT });
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { status: result.status, stderr: result.stderr, calls, bin };
}

test('everything present: exit 0, nothing run, nothing said', () => {
  const result = run(PACKAGES, { uid: 1000 });
  expect(result).toMatchObject({ status: 0, stderr: '', calls: [] });
});

test('not root, some missing: names them and the one command to run, exit 1, installs nothing', () => {
  const result = run(['curl', 'nginx', 'chromium', 'openssl', 'tar', 'nghttp2-client'], { uid: 1000 });
  expect(result.status).toBe(1);
  expect(result.calls).toEqual([]);
  expect(result.stderr).toContain('the tests need these Debian packages: goaccess redis-server prometheus postgresql\n');
  expect(result.stderr).toContain('with: sudo bash ');
  expect(result.stderr).toMatch(/sudo bash \S*scripts\/system-packages\.sh\n$/);
});

test('root, some missing: apt-get installs exactly those, and the services they start are stopped', () => {
  const result = run(['curl', 'nginx', 'chromium', 'openssl', 'tar', 'goaccess'], { uid: 0 });
  expect(result.stderr).toBe('tsgi: installing redis-server prometheus nghttp2-client postgresql (apt-get)\n');
  expect(result.status).toBe(0);
  expect(result.calls).toEqual([
    'apt-get update -qq',
    'apt-get install -y -qq redis-server prometheus nghttp2-client postgresql',
    // nginx was there already: a system nginx someone runs is left alone.
    'service redis-server stop',
    'service prometheus stop',
    'service postgresql stop',
  ]);
  expect(existsSync(path.join(result.bin, 'nghttp'))).toBe(true);
});

test('root, apt-get leaves one out: exit 1 naming it', () => {
  const result = run(['curl', 'nginx', 'chromium', 'openssl', 'tar', 'goaccess', 'redis-server', 'postgresql'], { uid: 0, aptInstalls: (name) => name !== 'prometheus' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("apt-get ran, but these packages' programs are still missing: prometheus\n");
});

test('no apt-get (not Debian): says what to install and how to skip, exit 1', () => {
  const result = run(['curl', 'nginx'], { uid: 0, aptGet: false });
  expect(result.status).toBe(1);
  expect(result.calls).toEqual([]);
  expect(result.stderr).toContain('(Debian package names): chromium goaccess redis-server prometheus nghttp2-client openssl tar postgresql\n');
  expect(result.stderr).toContain('TSGI_SKIP_SYSTEM_PACKAGES=1');
});

test('pnpm test runs it first, .ci/run runs it, and the README says what it installs', () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(manifest.scripts.test).toMatch(/^bash scripts\/system-packages\.sh && /);
  expect(readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^bash scripts\/system-packages\.sh$/m);
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Packages'));
  expect(quickStart).toContain('scripts/system-packages.sh');
  for (const name of PACKAGES) expect([name, quickStart.includes(`\`${name}\``)]).toEqual([name, true]);
});
