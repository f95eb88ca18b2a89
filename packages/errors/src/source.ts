/**
 * Where a stack frame points in the app's own source, and the lines around it. A
 * frame in compiled JavaScript with a source map (`//# sourceMappingURL=`, a `.map`
 * file or a `data:` URL) is followed back to the TypeScript line, read from the map's
 * `sourcesContent` or the file beside it; node's `SourceMap` (node:module) does the
 * decoding. Under `--enable-source-maps` or tsx the stack already names the `.ts`
 * file, which is then read as it is. Frames in `node_modules` and `node:` internals
 * are located but not read.
 *
 * Files are read synchronously and cached per reader: this runs in development only,
 * after an error, and a page's frames share a handful of files.
 *
 * @example
 * const reader = new SourceReader(5);
 * reader.locate({ file: '/srv/dist/app.js', line: 6, column: 11, text: '' });
 * // { file: '/srv/src/app.ts', line: 5, column: 9, mapped: true, app: true, lines: [...] }
 *
 * @see https://nodejs.org/api/module.html#class-modulesourcemap
 * @see https://tc39.es/ecma426/ (source map format)
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
// A namespace import: a runtime whose node:module has no SourceMap still loads this file.
import * as nodeModule from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from './stack.js';

export interface SourceLine {
  number: number;
  text: string;
}

/** A frame's place in the source the developer wrote. */
export interface FrameSource {
  /** The file to show: the `.ts` file when a source map led there. */
  file: string;
  line: number;
  column: number;
  /** Whether a source map moved the position. */
  mapped: boolean;
  /** The app's own file: on disk, not in node_modules, not a runtime internal. */
  app: boolean;
  /** The lines around `line`, for the app's own files that could be read. */
  lines?: SourceLine[];
}

type SourceMapClass = typeof nodeModule.SourceMap;

interface LoadedMap {
  map: InstanceType<SourceMapClass>;
  /** The directory the map's `sources` are relative to (with its `sourceRoot`). */
  base: string;
  sources: string[];
  contents: Array<string | null | undefined>;
}

const MAX_FILE = 4 * 1024 * 1024;
const MAX_LINE = 240;
const MAPPING_URL = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/m;

/** Reads source files and their maps, caching both; see the module comment. */
export class SourceReader {
  private readonly texts = new Map<string, string | null>();
  private readonly maps = new Map<string, LoadedMap | null>();

  /** `context`: how many lines to show on each side of a frame's line. */
  constructor(private readonly context: number) {}

  /** Where `frame` points, or undefined for a frame without a file position. */
  locate(frame: StackFrame): FrameSource | undefined {
    if (frame.file === undefined || frame.line === undefined || frame.column === undefined) return undefined;
    let file = frame.file.startsWith('file://') ? safeFileURLToPath(frame.file) : frame.file;
    let { line, column } = frame;
    let text: string | null = null;
    let mapped = false;
    if (!isAbsolute(file) || file.includes('/node_modules/') || file.includes('\\node_modules\\')) {
      return { file, line, column, mapped, app: false };
    }
    const loaded = this.sourceMap(file);
    if (loaded !== null) {
      const entry = loaded.map.findEntry(line - 1, column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
      if (entry.originalSource !== undefined && entry.originalLine !== undefined) {
        const index = loaded.sources.indexOf(entry.originalSource);
        file = entry.originalSource.startsWith('file://') ? safeFileURLToPath(entry.originalSource) : resolve(loaded.base, entry.originalSource);
        line = entry.originalLine + 1;
        column = (entry.originalColumn ?? 0) + 1;
        mapped = true;
        text = (index >= 0 ? loaded.contents[index] : undefined) ?? null;
      }
    }
    text ??= this.read(file);
    if (text === null) return { file, line, column, mapped, app: false };
    return { file, line, column, mapped, app: !file.includes('/node_modules/'), lines: this.around(text, line) };
  }

  /** The lines `context` either side of `line` (1-based), long lines cut. */
  private around(text: string, line: number): SourceLine[] {
    const all = text.split(/\r?\n/);
    const lines: SourceLine[] = [];
    for (let n = Math.max(1, line - this.context); n <= Math.min(all.length, line + this.context); n++) {
      const source = all[n - 1]!;
      lines.push({ number: n, text: source.length > MAX_LINE ? source.slice(0, MAX_LINE) + '…' : source });
    }
    return lines;
  }

  /** A file's text, or null when it cannot be read (gone, too big, not a file). */
  private read(file: string): string | null {
    let text = this.texts.get(file);
    if (text === undefined) {
      try {
        text = statSync(file).size <= MAX_FILE ? readFileSync(file, 'utf8') : null;
      } catch {
        text = null;
      }
      this.texts.set(file, text);
    }
    return text;
  }

  /** The source map a compiled file names, or null when it names none or it cannot be read. */
  private sourceMap(file: string): LoadedMap | null {
    let loaded = this.maps.get(file);
    if (loaded !== undefined) return loaded;
    loaded = null;
    const SourceMap = nodeModule.SourceMap as SourceMapClass | undefined;
    const url = /\.[cm]?js$/.test(file) ? MAPPING_URL.exec(this.read(file) ?? '')?.[1] : undefined;
    if (url !== undefined && SourceMap !== undefined) {
      try {
        let json: string;
        let mapFile = file;
        if (url.startsWith('data:')) {
          const comma = url.indexOf(',');
          const data = url.slice(comma + 1);
          json = url.slice(0, comma).endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
        } else {
          mapFile = url.startsWith('file://') ? fileURLToPath(url) : resolve(dirname(file), decodeURIComponent(url));
          json = this.read(mapFile) ?? '';
        }
        const payload = JSON.parse(json) as { sources?: string[]; sourcesContent?: Array<string | null>; sourceRoot?: string };
        loaded = {
          map: new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]),
          base: resolve(dirname(mapFile), payload.sourceRoot ?? ''),
          sources: payload.sources ?? [],
          contents: payload.sourcesContent ?? [],
        };
      } catch {
        // A broken or missing map: show the compiled file's own lines.
        loaded = null;
      }
    }
    this.maps.set(file, loaded);
    return loaded;
  }
}

function safeFileURLToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
