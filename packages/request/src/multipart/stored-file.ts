/**
 * A part kept for after the parse (`part.store()`, `readMultipartForm`): in memory,
 * in a temp file that the parse's `cleanup()` removes, or gone to a caller's sink
 * (then only its name, type and size are known).
 *
 * @example
 * const file = await part.store();
 * file.storage; // 'memory' below fileMemoryThreshold, else 'disk' (file.path)
 * const data = await file.bytes();
 * @module
 */
import { nodeFs } from './temp-files.js';

const READ_SIZE = 64 * 1024;
const decoder = new TextDecoder();

/** What the part's headers said, and how many bytes it had. */
export interface PartInfo {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string;
  readonly headers: ReadonlyMap<string, string>;
}

export class StoredFile implements PartInfo {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string;
  readonly headers: ReadonlyMap<string, string>;
  /** Bytes of content. */
  readonly size: number;
  /** Where the content is: `memory`, a temp file on `disk` (`path`), or a `sink` of the caller's. */
  readonly storage: 'memory' | 'disk' | 'sink';
  /** The temp file's path when `storage` is `disk`; it is removed by the parse's `cleanup()`. */
  readonly path: string | undefined;
  readonly #data: Uint8Array | undefined;

  constructor(info: PartInfo, size: number, where: { data: Uint8Array } | { path: string } | 'sink') {
    this.name = info.name;
    this.filename = info.filename;
    this.contentType = info.contentType;
    this.headers = info.headers;
    this.size = size;
    this.storage = where === 'sink' ? 'sink' : 'path' in where ? 'disk' : 'memory';
    this.path = typeof where === 'object' && 'path' in where ? where.path : undefined;
    this.#data = typeof where === 'object' && 'data' in where ? where.data : undefined;
  }

  #unavailable(): TypeError {
    return new TypeError(`multipart file ${JSON.stringify(this.filename ?? this.name)} went to the onFile sink; its content is not kept`);
  }

  /** The whole content (read from the temp file when on disk). */
  async bytes(): Promise<Uint8Array> {
    if (this.#data !== undefined) return this.#data;
    if (this.path === undefined) throw this.#unavailable();
    return nodeFs()!.fs.readFile(this.path);
  }

  /** The content decoded as UTF-8. */
  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  /** The content in chunks, without reading a temp file into memory at once. */
  async *stream(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#data !== undefined) {
      if (this.#data.byteLength > 0) yield this.#data;
      return;
    }
    if (this.path === undefined) throw this.#unavailable();
    const handle = await nodeFs()!.fs.open(this.path, 'r');
    try {
      for (;;) {
        const { buffer, bytesRead } = await handle.read(new Uint8Array(READ_SIZE), 0, READ_SIZE, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
}
