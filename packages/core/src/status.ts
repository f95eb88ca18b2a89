/**
 * Status lines: `statusLine(404)` is `"404 Not Found"`, the form `startResponse` takes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15 (status codes and reason phrases)
 * @module
 */

/** Reason phrases from the IANA HTTP Status Code Registry. */
export const REASON_PHRASES: Readonly<Record<number, string>> = Object.freeze({
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  511: 'Network Authentication Required',
});

const CLASS_NAMES = ['', 'Informational', 'Success', 'Redirection', 'Client Error', 'Server Error'];
const cache = new Map<number, string>();

/** `"<code> <reason>"` for a status code from 100 to 599; unregistered codes get their class name. */
export function statusLine(code: number): string {
  let line = cache.get(code);
  if (line === undefined) {
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new RangeError(`statusLine: ${code} is not a status code (an integer from 100 to 599)`);
    }
    line = `${code} ${REASON_PHRASES[code] ?? CLASS_NAMES[Math.floor(code / 100)]}`;
    cache.set(code, line);
  }
  return line;
}

/** The numeric code of a status line: `statusCode("404 Not Found")` is 404. */
export function statusCode(status: string): number {
  return (
    (status.charCodeAt(0) - 48) * 100 + (status.charCodeAt(1) - 48) * 10 + (status.charCodeAt(2) - 48)
  );
}

/**
 * True for the statuses that never carry content: 1xx, 204 No Content, 205 Reset
 * Content and 304 Not Modified. Gateways send them without a body and lint refuses a
 * body or Content-Type/Content-Length on them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.3.6 (205)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1
 */
export function isNoContentStatus(code: number): boolean {
  return code < 200 || code === 204 || code === 205 || code === 304;
}
