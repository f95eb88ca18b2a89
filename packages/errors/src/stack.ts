/**
 * A V8 stack trace (`error.stack`) read into frames: the function, the file, the line
 * and the column of each `    at ...` line. The string is what every V8 runtime gives
 * (Node, Bun's JSC uses the same shape, Deno, Workers); a line that is not a frame (the
 * message, `<anonymous>`, `native`) is kept as text without a location.
 *
 * @example
 * parseStack(new Error('x').stack!)[0]; // { function: 'handler', file: '/srv/app.js', line: 12, column: 9, text: 'at handler (/srv/app.js:12:9)' }
 *
 * @see https://v8.dev/docs/stack-trace-api
 * @module
 */

export interface StackFrame {
  /** The function as V8 names it (`Router.handle`, `async run`, `new Server`), if any. */
  function?: string;
  /** A path, a `file://` URL, `node:internal/...`, or undefined when the frame has no location. */
  file?: string;
  line?: number;
  column?: number;
  /** The frame's line from the stack, without the leading spaces. */
  text: string;
}

// `at fn (loc)` or `at loc`; loc is `file:line:col`, where file may itself contain ':'.
const FRAME = /^at (?:(.+?) \((.+):(\d+):(\d+)\)|(.+):(\d+):(\d+))$/;

/** The frames of `stack`: the lines after the message that start with `at `. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of stack.split('\n')) {
    const text = raw.trim();
    if (!text.startsWith('at ')) continue;
    const match = FRAME.exec(text);
    if (match === null) {
      const name = text.slice(3).replace(/ \((?:native|<anonymous>|index \d+)\)$/, '');
      frames.push({ function: name, text });
    } else if (match[2] !== undefined) {
      frames.push({ function: match[1], file: evalLocation(match[2]), line: Number(match[3]), column: Number(match[4]), text });
    } else {
      frames.push({ file: evalLocation(match[5]!), line: Number(match[6]), column: Number(match[7]), text });
    }
  }
  return frames;
}

/** `eval at f (file:1:2), <anonymous>` has no file of its own to read: drop it. */
function evalLocation(file: string): string | undefined {
  return file.startsWith('eval at ') || file.includes('<anonymous>') ? undefined : file;
}
