import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const fixture = join(__dirname, 'fixtures', 'exit-flush.ts');
const LINE = '10.0.0.1 - - [01/Jan/1970:00:00:00 +0000] "GET /bye HTTP/1.1" 200 2\n';

function run(mode: string): { stdout: string; ms: number; status: number | null } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), fixture, mode], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { stdout: result.stdout, ms: Date.now() - started, status: result.status };
}

describe('buffered lines at exit', () => {
  it('are written when the event loop drains (beforeExit), and the flush timer does not hold the process', () => {
    const { stdout, ms, status } = run('drain');
    expect(status).toBe(0);
    expect(stdout).toBe(LINE);
    expect(ms).toBeLessThan(15_000);
  });

  it('are written on process.exit()', () => {
    const { stdout, status } = run('exit');
    expect(status).toBe(0);
    expect(stdout).toBe(LINE);
  });
});
