/**
 * Escaping for anything a client sends that ends up in a log line, so that one
 * request is always exactly one line and no terminal control sequence survives.
 *
 * - `escapeLogItem` is Apache's `ap_escape_logitem`: printable ASCII passes, `"` and
 *   `\` get a backslash, `\b \n \r \t \v` their C escapes, every other byte `\xhh`
 *   (lowercase hex). Environ strings are latin-1 "bytes as string", so a UTF-8
 *   User-Agent shows its bytes exactly as Apache would write them.
 * - `jsonString` is `JSON.stringify` plus `\u00XX` for DEL and C1 (8-bit CSI, NEL) and
 *   `\u2028`/`\u2029`, which JSON allows raw but line-oriented readers split on.
 * - `escapeLine` makes a custom format's output one line: it escapes only control
 *   characters and line separators, leaving the format's own quoting alone.
 *
 * Each scans first and returns its input untouched when nothing needs escaping.
 *
 * @example
 * escapeLogItem('curl\r\n"x"') // 'curl\\r\\n\\"x\\"'
 * @see https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats (escaping)
 * @module
 */

const HEX = '0123456789abcdef';
const UTF8 = new TextEncoder();

/** `\xhh` for one byte, lowercase as Apache's c2x writes it. */
function hexByte(byte: number): string {
  return '\\x' + HEX[byte >> 4] + HEX[byte & 15];
}

function needsApacheEscape(code: number): boolean {
  return code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c;
}

/** Apache's ap_escape_logitem over a latin-1 string; code points above U+00FF are escaped as their UTF-8 bytes. */
export function escapeLogItem(value: string): string {
  let i = 0;
  const length = value.length;
  while (i < length && !needsApacheEscape(value.charCodeAt(i))) i++;
  if (i === length) return value;
  let out = value.slice(0, i);
  for (; i < length; i++) {
    const code = value.charCodeAt(i);
    if (!needsApacheEscape(code)) {
      out += value[i];
      continue;
    }
    switch (code) {
      case 0x08: out += '\\b'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x0b: out += '\\v'; break;
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      default:
        if (code < 0x100) {
          out += hexByte(code);
        } else {
          // Not a latin-1 byte (a JS string set by a layer, e.g. REMOTE_USER): log
          // the bytes Apache would have seen, its UTF-8 encoding.
          const point = value.codePointAt(i)!;
          const width = point > 0xffff ? 2 : 1;
          for (const byte of UTF8.encode(value.slice(i, i + width))) out += hexByte(byte);
          i += width - 1;
        }
    }
  }
  return out;
}

function needsJsonEscape(code: number): boolean {
  return (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** A JSON string literal for `value`, also escaping DEL, C1 controls and U+2028/U+2029. */
export function jsonString(value: string): string {
  const json = JSON.stringify(value);
  let i = 0;
  const length = json.length;
  while (i < length && !needsJsonEscape(json.charCodeAt(i))) i++;
  if (i === length) return json;
  let out = json.slice(0, i);
  for (; i < length; i++) {
    const code = json.charCodeAt(i);
    out += needsJsonEscape(code) ? '\\u' + code.toString(16).padStart(4, '0') : json[i];
  }
  return out;
}

function breaksLine(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** `line` with controls and line separators escaped (`\xhh`, `\u2028`), so it stays one line. */
export function escapeLine(line: string): string {
  let i = 0;
  const length = line.length;
  while (i < length && !breaksLine(line.charCodeAt(i))) i++;
  if (i === length) return line;
  let out = line.slice(0, i);
  for (; i < length; i++) {
    const code = line.charCodeAt(i);
    if (!breaksLine(code)) out += line[i];
    else if (code > 0xff) out += '\\u' + code.toString(16);
    else out += hexByte(code);
  }
  return out;
}
