/**
 * On a fetch runtime without node:fs (Workers, Deno without node compat): the parser
 * still loads and parses, keeps files in memory up to fileMemoryThreshold, refuses a
 * larger stored file with a 413 that says what to do, and streams any size to a sink.
 * And the parser's module graph imports no `node:` module: bundled for a neutral
 * platform, the output has no `node:` import.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { readMultipartForm } from './index.js';
import { multipartBody, multipartEnviron, file, field } from '../../test/multipart-fixtures.js';

jest.mock('@tsgi/core', () => ({ ...jest.requireActual<object>('@tsgi/core'), nodeBuiltin: () => undefined }));

describe('multipart without node:fs', () => {
  const body = multipartBody([field('a', '1'), file('small', 's.txt', 'x'.repeat(100)), file('big', 'b.bin', 'y'.repeat(5000))]);

  it('keeps small files in memory and refuses to store a larger one with a 413 naming the way out', async () => {
    await expect(readMultipartForm(multipartEnviron(body), { fileMemoryThreshold: 1000 })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/"b.bin" is over fileMemoryThreshold \(1000 bytes\) and this runtime has no file system.*onFile/),
    });
    const form = await readMultipartForm(multipartEnviron(body), { fileMemoryThreshold: 10_000 });
    expect(form.files.map((f) => [f.name, f.storage, f.size])).toEqual([
      ['small', 'memory', 100],
      ['big', 'memory', 5000],
    ]);
  });

  it('sends files of any size to the onFile sink', async () => {
    let received = 0;
    const form = await readMultipartForm(multipartEnviron(body, undefined, 512), {
      fileMemoryThreshold: 10,
      onFile: () => (chunk) => void (received += chunk.byteLength),
    });
    expect(received).toBe(5100);
    expect(form.get('a')).toBe('1');
    expect(form.files.map((f) => [f.name, f.storage, f.size])).toEqual([
      ['small', 'sink', 100],
      ['big', 'sink', 5000],
    ]);
    await expect(form.file('big')!.bytes()).rejects.toThrow(/went to the onFile sink/);
  });

  it('bundles for a neutral platform with no node: import', async () => {
    const result = await build({
      entryPoints: [join(__dirname, 'index.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      alias: { '@tsgi/core': join(__dirname, '../../../core/src/index.ts') },
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('parseMultipart');
    expect(code).not.toMatch(/(?:from|import|require\()\s*["']node:/);
  });
});
