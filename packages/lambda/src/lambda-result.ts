/**
 * The response side of `toLambda`: a fetch `Response` (what `toFetch` made of the app's
 * status, headers and body) written as the result shape the event's kind expects.
 *
 * - 2.0 (HTTP API, Function URLs): `headers` with repeated fields joined by ', ', and
 *   each `Set-Cookie` in `cookies`, since cookies cannot be joined.
 * - 1.0 (REST API) and ALB with multi-value headers on: `multiValueHeaders`, every
 *   value kept.
 * - ALB without them: `headers` can hold one value a name, so repeated `Set-Cookie`
 *   fields go out under differently cased names (`set-cookie`, `Set-cookie`, ...),
 *   which the load balancer sends as separate fields; ALB also wants the status line's
 *   text in `statusDescription`.
 *
 * @example
 * const result = await lambdaResult(response, request, textTypes);
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#respond-to-load-balancer
 * @module
 */
import { bodyIsText, encodeBody } from './body-encoding.js';
import type { EventRequest } from './event-request.js';
import type { LambdaHttpResult } from './events.js';

/** `set-cookie` in as many distinct casings as needed: each is a separate key. */
function casings(name: string, count: number): string[] {
  const out: string[] = [];
  const letters = [...name].map((c, i) => (c.toLowerCase() !== c.toUpperCase() ? i : -1)).filter((i) => i >= 0);
  for (let mask = 0; out.length < count && mask < 2 ** letters.length; mask++) {
    const chars = [...name.toLowerCase()];
    letters.forEach((index, bit) => {
      if (mask & (1 << bit)) chars[index] = (chars[index] as string).toUpperCase();
    });
    out.push(chars.join(''));
  }
  return out;
}

/** Status, headers and the status text the result carries, without the body. */
export function resultHead(response: Response, request: EventRequest): Omit<LambdaHttpResult, 'body' | 'isBase64Encoded'> {
  const cookies = response.headers.getSetCookie();
  const head: Omit<LambdaHttpResult, 'body' | 'isBase64Encoded'> = { statusCode: response.status };
  if (request.kind === 'alb') head.statusDescription = `${response.status} ${response.statusText}`.trimEnd();
  if (request.multiValue) {
    const multi: Record<string, string[]> = {};
    for (const [name, value] of response.headers) if (name !== 'set-cookie') multi[name] = [value];
    if (cookies.length > 0) multi['set-cookie'] = cookies;
    head.multiValueHeaders = multi;
    return head;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value;
  if (request.kind === 'v2') {
    if (cookies.length > 0) head.cookies = cookies;
  } else if (cookies.length > 0) {
    const names = casings('set-cookie', cookies.length);
    cookies.forEach((cookie, i) => {
      const name = names[i];
      if (name !== undefined) headers[name] = cookie;
    });
  }
  head.headers = headers;
  return head;
}

/** The whole buffered result: head plus the body as text or base64. */
export async function lambdaResult(response: Response, request: EventRequest, textTypes: ReadonlySet<string>): Promise<LambdaHttpResult> {
  const head = resultHead(response, request);
  const bytes = response.body === null ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
  const text = bodyIsText(response.headers.get('content-type'), response.headers.get('content-encoding'), textTypes);
  return { ...head, ...encodeBody(bytes, text) };
}
