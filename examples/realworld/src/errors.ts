/**
 * Conduit's error answers. The OpenAPI document gives every error one shape,
 * `{"errors":{"body":["..."]}}` (its GenericErrorModel), with 422 for input that does
 * not validate. `conduitErrors()` is `httpErrors()` from @tsgi/errors with a renderer
 * that writes that shape, so every refusal in the stack (the router's 404 and 405,
 * the body reader's 413 and 415, the auth's 401, the handlers' 403 and 422) comes out
 * alike; anything else thrown is a 500 whose message stays in the log.
 *
 * Goes at the top of the stack, above everything that can throw.
 *
 * @example
 * throw new ValidationError(["email can't be blank", 'password must be a string']);
 * @see https://github.com/gothinkster/realworld/blob/main/api/openapi.yml (GenericErrorModel)
 * @module
 */
import { HttpError, statusLine, type Middleware } from '@tsgi/core';
import { httpErrors, type ErrorRenderer } from '@tsgi/errors';

/** A 422 with one message per problem found, as the spec's `errors.body` list. */
export class ValidationError extends HttpError {
  override name = 'ValidationError';
  readonly messages: readonly string[];
  constructor(messages: readonly string[]) {
    super(422, messages.join('; '));
    this.messages = messages;
  }
}

/** The realm of the `Token` scheme in every 401's `WWW-Authenticate` (RFC 9110 requires one). */
export const TOKEN_CHALLENGE = 'Token realm="conduit"';

/** A 401 in the spec's shape, with the challenge that says how to authenticate. */
export function unauthorized(message: string): HttpError {
  return new HttpError(401, message, { headers: [['WWW-Authenticate', TOKEN_CHALLENGE]] });
}

// httpErrors() takes a renderer per status: every status any layer of this stack can
// answer is listed (a missing one would fall back to RFC 9457 problem+json).
const STATUSES = [400, 401, 403, 404, 405, 406, 408, 409, 413, 414, 415, 422, 429, 431, 500, 502, 503, 504];

const renderConduit: ErrorRenderer = (problem, { error }) => {
  let messages: readonly string[];
  if (error instanceof ValidationError) messages = error.messages;
  else if (problem.status >= 500) messages = [statusLine(problem.status).slice(4)];
  else messages = [problem.detail ?? problem.title];
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ errors: { body: messages } }) };
};

/** `httpErrors()` rendering the spec's GenericErrorModel for every status. */
export function conduitErrors(): Middleware {
  return httpErrors({ renderers: Object.fromEntries(STATUSES.map((status) => [status, renderConduit])) });
}
