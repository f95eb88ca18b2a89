/**
 * The lint rule table: every check `lint()` makes, by id, with the sentence of the
 * specification it keeps. It is the one place rule texts live: `LintError` messages
 * quote it and docs/spec.md lists it (a test fails when the two drift).
 *
 * `source` names where the sentence comes from: PEP 3333 itself, Rack's SPEC (which
 * states some PEP 3333 rules more sharply), RFC 9110, wsgiref.validate, or the tsgi
 * contract (docs/spec.md, DESIGN.md) where TypeScript needs a rule Python did not.
 *
 * @see https://peps.python.org/pep-3333/
 * @see https://github.com/rack/rack/blob/main/SPEC.rdoc
 * @module
 */

export interface Rule {
  /** Who states the rule. */
  readonly source: 'PEP 3333' | 'Rack SPEC' | 'RFC 9110' | 'wsgiref.validate' | 'tsgi';
  /** The sentence the rule keeps, quoted or closely paraphrased. */
  readonly text: string;
  /** Which side breaks it: the server (gateway, test client, outer middleware) or the app. */
  readonly side: 'server' | 'app';
  /** What a failure looks like, for the docs table. */
  readonly catches: string;
  /** How to fix it, appended to every message. */
  readonly fix: string;
}

function rule(source: Rule['source'], side: Rule['side'], text: string, catches: string, fix: string): Rule {
  return { source, side, text, catches, fix };
}

export const RULES = {
  'environ.type': rule('PEP 3333', 'server',
    'The environ parameter is a dictionary object, containing CGI-style environment variables. This object must be a builtin Python dictionary (not a subclass, UserDict or other dictionary emulation).',
    'an environ that is not a plain object (a Map, an array, a class instance)',
    'pass a plain object literal ({}), not a Map or class instance'),
  'environ.required-key': rule('PEP 3333', 'server',
    'REQUEST_METHOD, SERVER_NAME and SERVER_PORT can never be empty strings, and so are always required; SCRIPT_NAME, PATH_INFO, QUERY_STRING and SERVER_PROTOCOL are set for every request (Rack SPEC requires them too).',
    'a missing or empty REQUEST_METHOD, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL, or a missing SCRIPT_NAME, PATH_INFO, QUERY_STRING',
    "set the key on every environ (use '' for an empty SCRIPT_NAME, PATH_INFO or QUERY_STRING)"),
  'environ.cgi-string': rule('PEP 3333', 'server',
    'Native strings are always used for request/response headers and metadata: every CGI variable (a key without a dot) has a string value.',
    'a number, undefined or Buffer under a CGI key such as SERVER_PORT, CONTENT_LENGTH or HTTP_HOST',
    'store CGI values as strings (String(port)); delete a key instead of setting it to undefined'),
  'environ.content-length': rule('Rack SPEC', 'server',
    'CONTENT_LENGTH: the contents of any Content-Length fields in the HTTP request; if given, it must consist of digits only.',
    "CONTENT_LENGTH values like '-1', '1e3' or ' 12'",
    'copy a validated Content-Length (digits only) or leave CONTENT_LENGTH out'),
  'environ.http-content': rule('wsgiref.validate', 'server',
    'The environ should not have the keys HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH; the CGI specification puts those headers in CONTENT_TYPE and CONTENT_LENGTH.',
    'Content-Type or Content-Length copied into HTTP_* keys',
    'use CONTENT_TYPE and CONTENT_LENGTH instead of HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH'),
  'environ.wsgi-version': rule('PEP 3333', 'server',
    'wsgi.version: the tuple (1, 0), representing WSGI version 1.0.',
    "a missing wsgi.version or anything but [1, 0]",
    "set environ['wsgi.version'] = [1, 0]"),
  'environ.url-scheme': rule('PEP 3333', 'server',
    'wsgi.url_scheme: a string representing the "scheme" portion of the URL at which the application is being invoked. Normally, this will have the value "http" or "https", as appropriate.',
    "a scheme such as 'HTTP', 'http:' or undefined",
    "set wsgi.url_scheme to 'http' or 'https'"),
  'environ.input': rule('PEP 3333', 'server',
    'wsgi.input: an input stream (file-like object) from which the HTTP request body bytes can be read; it must provide read(size), readline(), readlines(hint) and iteration.',
    'a wsgi.input missing read, readline, readlines or Symbol.asyncIterator (e.g. a raw IncomingMessage)',
    'pass an InputStream with read/readline/readlines returning Promises and Symbol.asyncIterator'),
  'environ.errors': rule('PEP 3333', 'server',
    'wsgi.errors: an output stream (file-like object) to which error output can be written; it must provide flush(), write(str) and writelines(seq).',
    'a wsgi.errors without write, writelines or flush (e.g. console)',
    'pass an ErrorStream with write(text), writelines(lines) and flush()'),
  'environ.wsgi-flags': rule('PEP 3333', 'server',
    'wsgi.multithread, wsgi.multiprocess and wsgi.run_once: these values should evaluate true or false; tsgi requires booleans.',
    "a flag that is missing, 'false', 0 or undefined",
    'set wsgi.multithread, wsgi.multiprocess and wsgi.run_once to true or false'),
  'environ.path-info': rule('Rack SPEC', 'server',
    'PATH_INFO: the remainder of the request URL\'s "path"; it may be an empty string, and must start with / if it is not empty.',
    "a PATH_INFO like 'foo' or one holding the query string",
    "give PATH_INFO the decoded path from its leading '/', or ''"),
  'environ.script-name': rule('Rack SPEC', 'server',
    'SCRIPT_NAME, if non-empty, must start with /; SCRIPT_NAME never should be /, but instead be empty.',
    "SCRIPT_NAME '/' or 'app' (no leading slash)",
    "use '' for an application at the root, '/prefix' (no trailing slash) when mounted"),
  'environ.request-method': rule('PEP 3333', 'server',
    'REQUEST_METHOD: the HTTP request method, such as "GET" or "POST"; this cannot ever be an empty string. It is an RFC 9110 token.',
    "a method '' or 'GET /'",
    'copy the request method as the client sent it (an RFC 9110 token)'),
  'environ.server-port': rule('PEP 3333', 'server',
    'SERVER_NAME, SERVER_PORT: when combined with SCRIPT_NAME and PATH_INFO, these variables can be used to complete the URL; SERVER_PORT is a port number written in digits.',
    "SERVER_PORT 80 (a number) or 'http'",
    "set SERVER_PORT to the port as a decimal string, e.g. '80'"),
  'environ.server-protocol': rule('PEP 3333', 'server',
    'SERVER_PROTOCOL: the version of the protocol the client used to send the request. Typically this will be something like "HTTP/1.0" or "HTTP/1.1".',
    "SERVER_PROTOCOL '1.1' or 'http/1.1'",
    "set SERVER_PROTOCOL to 'HTTP/1.0', 'HTTP/1.1' or 'HTTP/2.0'"),
  'input.read-args': rule('tsgi', 'app',
    'InputStream: read(size?) and readline(size?) take an optional byte count, readlines(hint?) an optional byte hint; each is a non-negative integer when given.',
    "read(-1), read(1.5), read('10'), readline(null)",
    'pass a non-negative integer, or nothing to read to the end'),
  'input.chunk-type': rule('PEP 3333', 'server',
    'wsgi.input is a stream from which the HTTP request body bytes can be read; in tsgi every read resolves to a Uint8Array (readlines to an array of them).',
    'an input stream that yields strings or resolves to undefined',
    'make read/readline resolve to Uint8Array (empty at the end) and iteration yield Uint8Array'),
  'input.past-end': rule('PEP 3333', 'server',
    "A server should not read past the client's specified Content-Length, and should simulate an end-of-file condition if the application attempts to read past that point.",
    'an input stream that returns more bytes than CONTENT_LENGTH, or data after it reported end of file',
    'stop wsgi.input at CONTENT_LENGTH bytes and keep returning empty reads after the end'),
  'errors.write-type': rule('PEP 3333', 'app',
    'wsgi.errors is a text stream: write(str) takes a string and writelines(seq) a sequence of strings.',
    "environ['wsgi.errors'].write(buffer) or write(error) with a non-string",
    'write text: String(error) or error.stack'),
  'start-response.callable': rule('PEP 3333', 'server',
    'The start_response callable must return a write(body_data) callable that takes one positional parameter: a bytestring to be written as part of the HTTP response body.',
    'a server that passes no startResponse function, or one that returns no write function',
    'pass startResponse(status, headers, excInfo?) and return a write(chunk) function from it'),
  'start-response.twice': rule('PEP 3333', 'app',
    'It is a fatal error to call start_response without the exc_info argument if start_response has already been called within the current invocation of the application.',
    'a second startResponse call without excInfo, e.g. from two middleware layers both answering',
    'call startResponse once; to replace the status after an error, pass the error as excInfo'),
  'start-response.exc-info': rule('PEP 3333', 'server',
    'If exc_info is provided, and the HTTP headers have already been sent, start_response must raise an error, and should re-raise using the exc_info tuple.',
    'a server whose startResponse returns normally when called with excInfo after the headers went out',
    'in startResponse, throw excInfo when it is given and the headers were already sent'),
  'start-response.late': rule('PEP 3333', 'app',
    'The application must invoke the start_response() callable before the iterable yields its first body bytestring, so that the server can send the headers before any body content.',
    'an async generator that yields body bytes before calling startResponse',
    'call startResponse before the first non-empty chunk (an empty chunk may come first)'),
  'start-response.missing': rule('PEP 3333', 'app',
    'The application must invoke the start_response() callable: response headers are sent after the first non-empty chunk or when the iterable is exhausted, so it must have been called by then.',
    'an app that returns an array (or ends its iterable) without ever calling startResponse',
    'call startResponse(status, headers) before returning the body or before it ends'),
  'status.format': rule('PEP 3333', 'app',
    'The status argument is an HTTP "status" string like "200 OK" or "404 Not Found": a Status-Code and a Reason-Phrase, in that order and separated by a single space, with no surrounding whitespace or other characters, and no control characters.',
    "'200', 200, '200 OK\\r\\n', ' 200 OK', '2000 OK'",
    "pass statusLine(code) from @tsgi/core, e.g. '404 Not Found'"),
  'headers.format': rule('PEP 3333', 'app',
    'The response_headers argument is a list of (header_name, header_value) tuples; each header_name must be a valid HTTP header field-name, and each header_value must not include any control characters, including carriage returns or linefeeds.',
    "headers as an object, a pair of three, 'X-A:' as a name, a value with \\n or non-latin-1 text",
    'pass an array of [name, value] string pairs; encode non-latin-1 values (RFC 8187, percent-encoding)'),
  'headers.hop-by-hop': rule('PEP 3333', 'app',
    'Applications and middleware are forbidden from using HTTP/1.1 "hop-by-hop" features or headers, any equivalent features in HTTP/1.0, or any headers that would affect the persistence of the client\'s connection to the web server.',
    'Connection, Keep-Alive, Transfer-Encoding, Upgrade, TE, Trailer, Proxy-* headers from the app',
    'leave framing and connection headers to the server; drop the header'),
  'headers.status': rule('wsgiref.validate', 'app',
    'The Status header cannot be used; it conflicts with CGI script, and HTTP status is not given through headers.',
    'a Status header in the response headers',
    'give the status as startResponse\'s first argument'),
  'headers.content-length': rule('RFC 9110', 'app',
    'Content-Length = 1*DIGIT (RFC 9110 section 8.6); a response has at most one Content-Length.',
    "Content-Length '-1', '10, 10', or two Content-Length headers",
    'send one Content-Length with the byte length in digits (setHeader replaces an old one)'),
  'body.type': rule('PEP 3333', 'app',
    'The application object must return an iterable yielding zero or more bytestrings; in tsgi a Body is an Iterable or AsyncIterable of Uint8Array, never a string.',
    "an app that returns a string, a Buffer, undefined or a Response instead of a body",
    "return [Buffer.from(text)] or an (async) generator of Uint8Array"),
  'body.chunk-type': rule('PEP 3333', 'app',
    'The application must return an iterable yielding bytestrings (in tsgi: Uint8Array); a chunk is never a string.',
    'a body chunk that is a string, number, ArrayBuffer or object',
    'encode text first: Buffer.from(text) or new TextEncoder().encode(text)'),
  'body.content-length': rule('PEP 3333', 'app',
    'If the application supplies a Content-Length header, the server should not transmit more bytes to the client than the header allows; an application must not promise a length its body does not have.',
    'a body with more bytes than its Content-Length, or fewer once it is complete',
    'compute Content-Length from the bytes you send, or remove it when you change the body (gzip, ranges)'),
  'body.no-content': rule('RFC 9110', 'app',
    'A 204 (No Content) or 304 (Not Modified) response, and any 1xx response, cannot contain content; a server must not generate content in a 205 (Reset Content) response (RFC 9110 sections 15.3.5, 15.4.5, 15.2, 15.3.6).',
    'body bytes in a 204, 205, 304 or 1xx response',
    'return [] for these statuses'),
  'body.close-once': rule('PEP 3333', 'server',
    'If the iterable returned by the application has a close() method, the server or gateway must call that method upon completion of the current request, whether the request was completed normally, or terminated early due to an application error; tsgi: exactly once.',
    'a server or middleware that calls close() twice',
    'call close() once in a finally block, and only for the body you were given'),
  'body.close-missing': rule('PEP 3333', 'server',
    'If the iterable returned by the application has a close() method, the server or gateway must call that method upon completion of the current request.',
    'a server that finishes the iteration but never calls close() (reported through the onLateError option)',
    'call close() in a finally block once the iteration stops, however it stops'),
  'write.type': rule('PEP 3333', 'app',
    'The write() callable takes one positional parameter: a bytestring to be written as part of the HTTP response body (in tsgi a Uint8Array).',
    'write(string), write() with no chunk',
    'pass a Uint8Array: write(Buffer.from(text))'),
  'write.late': rule('tsgi', 'app',
    'The write() callable is only valid while the response is in progress: not after the body was closed.',
    'a write from a timer or callback that fires after the response ended',
    'finish all writes before returning the body, or yield chunks from the body instead'),
} as const satisfies Record<string, Rule>;

/** The id of a lint rule, e.g. `'environ.path-info'` or `'body.close-once'`. */
export type RuleId = keyof typeof RULES;

/** Every rule id, in table order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];
