/**
 * One-shot compression of small bodies on one node:zlib handle kept for the encoder,
 * reset after each body, instead of `zlib.gzipSync()` per response.
 *
 * Why: `gzipSync()` builds a new compressor per call (a Transform stream, a native
 * handle, zlib's ~270 KB of state) and a 16 KB output buffer of its own, of which the
 * compressed body is a slice. That buffer is memory outside V8's heap that only a GC
 * gives back, and V8 counts it toward the old generation's limit: a server that
 * allocates little on its heap per request (tsgi under Fastify, 10 KB JSON) ran a
 * full mark-compact every ~700 requests, for that alone (bench/gzip/cost.ts --gc).
 * Here the handle, its state and a 64 KB scratch buffer are made once; a body costs
 * zlib's work, one reset, and a copy of the compressed bytes into a buffer of their
 * size (from node's shared pool when under 4 KB).
 *
 * The handle is node:zlib's own (`stream._handle`, its `writeSync` and `reset`, as
 * `zlib.gzipSync` drives it): not a public API, so it is used only where it is there
 * and gives, on a sample body, exactly the bytes `gzipSync` gives; anywhere else
 * (another runtime's node:zlib) {@link reusableCompressor} returns undefined and the
 * encoder calls the one-shot function as before.
 *
 * @example
 * const oneShot = reusableCompressor(zlib.createGzip, { level: 6 }, zlib.constants.Z_FINISH, zlib.gzipSync);
 * const compressed = oneShot ? oneShot.compress(body) : zlib.gzipSync(body, { level: 6 });
 * @see https://nodejs.org/api/zlib.html#class-zlibzlibbase
 * @module
 */
import type { Transform } from 'node:stream';

/** The native handle behind a node:zlib stream, as `zlib.gzipSync` drives it. */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
  reset(): void;
}
type ZlibStream = Transform & { _handle?: ZlibHandle | null; _writeState?: Uint32Array };

/** Output room: any body up to the sync limit (32 KB) compresses into it in one call. */
const SCRATCH = 64 * 1024;
/** What the handle's output is checked against once: JSON-like text, some of it repeating. */
const SAMPLE = new TextEncoder().encode(JSON.stringify(Array.from({ length: 64 }, (_, i) => ({ id: i, name: `item ${i % 7}`, ok: i % 3 === 0 }))));

export class ReusableCompressor {
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH);
  private error: Error | undefined;

  constructor(
    private readonly stream: ZlibStream,
    private readonly handle: ZlibHandle,
    private readonly state: Uint32Array,
    private readonly finish: number,
  ) {
    // zlib reports a failure by destroying the stream with an error: keep it to throw.
    stream.on('error', (error: Error) => {
      this.error = error;
    });
  }

  /** Whether the handle can take another body (a zlib error closes it for good). */
  get usable(): boolean {
    return this.error === undefined && !this.stream.destroyed && this.stream._handle === this.handle;
  }

  /** `input` compressed whole, as the one-shot function would; throws zlib's error. */
  compress(input: Uint8Array): Buffer {
    // writeSync on a closed handle would abort the process, not throw.
    if (!this.usable) throw new Error('gzip: this compressor was closed (zlib failed, or close() was called); make a new one');
    try {
      return this.run(input);
    } catch (error) {
      // Half a stream must not prefix the next body.
      if (this.usable) this.handle.reset();
      throw error;
    }
  }

  private run(input: Uint8Array): Buffer {
    const { handle, state, scratch } = this;
    let parts: Buffer[] | undefined;
    let inOffset = 0;
    let inLength = input.byteLength;
    for (;;) {
      handle.writeSync(this.finish, input, inOffset, inLength, scratch, 0, SCRATCH);
      if (!this.usable) throw this.error ?? new Error('gzip: zlib failed while compressing a body');
      const outLeft = state[0]!;
      const inLeft = state[1]!;
      // A copy of its size: from node's shared pool when small, and the scratch buffer stays ours.
      const produced = Buffer.from(scratch.subarray(0, SCRATCH - outLeft));
      inOffset += inLength - inLeft;
      inLength = inLeft;
      // Output room left over: zlib has finished the stream.
      if (outLeft > 0) {
        handle.reset();
        if (parts === undefined) return produced;
        parts.push(produced);
        return Buffer.concat(parts);
      }
      (parts ??= []).push(produced);
    }
  }

  /** Frees zlib's state now. */
  close(): void {
    this.stream.destroy();
  }
}

/** Not `instanceof`: node's own arrays come from another realm than a test's (jest's vm context). */
function isUint32Array(value: unknown): value is Uint32Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint32Array]';
}

/**
 * A {@link ReusableCompressor} on a new stream from `factory`, or undefined where the
 * runtime's node:zlib has no such handle or its output differs from `oneShot`'s.
 */
export function reusableCompressor(
  factory: (options: object) => Transform,
  options: object,
  finish: number,
  oneShot: (input: Uint8Array, options: object) => Uint8Array,
): ReusableCompressor | undefined {
  let stream: ZlibStream | undefined;
  try {
    stream = factory(options) as ZlibStream;
    const handle = stream._handle;
    const state = stream._writeState;
    if (typeof handle?.writeSync !== 'function' || typeof handle.reset !== 'function' || !isUint32Array(state) || state.length < 2) {
      stream.destroy();
      return undefined;
    }
    const compressor = new ReusableCompressor(stream, handle, state, finish);
    const expected = Buffer.from(oneShot(SAMPLE, options));
    // Twice: the second call checks that reset() really starts a new stream.
    if (compressor.compress(SAMPLE).equals(expected) && compressor.compress(SAMPLE).equals(expected)) return compressor;
    compressor.close();
    return undefined;
  } catch {
    stream?.destroy();
    return undefined;
  }
}
