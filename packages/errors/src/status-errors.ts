/**
 * One `HttpError` class per registered 4xx and 5xx status, named as Werkzeug names its
 * exceptions (`NotFound`, `MethodNotAllowed`): `throw new NotFound()` anywhere below
 * `httpErrors()` becomes a 404 response. Each is an `HttpError` from `@tsgi/core` (the
 * class `readBody` throws), so `instanceof HttpError` and `isHttpError` hold for all.
 *
 * @example
 * throw new MethodNotAllowed('only GET and HEAD here', { headers: [['Allow', 'GET, HEAD']] });
 * throw new Unauthorized(undefined, { headers: [['WWW-Authenticate', 'Bearer realm="api"']] });
 * throw new ServiceUnavailable('down for maintenance', { headers: [['Retry-After', '120']] });
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5 (4xx) and #section-15.6 (5xx)
 * @module
 */
import { HttpError, type HttpErrorOptions } from '@tsgi/core';

/** The constructor every status class has: the status is fixed, the rest as `HttpError`'s. */
export type StatusErrorClass = (new (message?: string, options?: HttpErrorOptions) => HttpError) & {
  /** The status every instance carries. */
  readonly status: number;
};

/** Makes the class for one status; `name` is both the class's and its instances' name. */
function statusError(status: number, name: string): StatusErrorClass {
  const cls = class extends HttpError {
    static readonly status = status;
    constructor(message?: string, options?: HttpErrorOptions) {
      super(status, message, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

export const BadRequest = statusError(400, 'BadRequest');
export const Unauthorized = statusError(401, 'Unauthorized');
export const PaymentRequired = statusError(402, 'PaymentRequired');
export const Forbidden = statusError(403, 'Forbidden');
export const NotFound = statusError(404, 'NotFound');
export const MethodNotAllowed = statusError(405, 'MethodNotAllowed');
export const NotAcceptable = statusError(406, 'NotAcceptable');
export const ProxyAuthenticationRequired = statusError(407, 'ProxyAuthenticationRequired');
export const RequestTimeout = statusError(408, 'RequestTimeout');
export const Conflict = statusError(409, 'Conflict');
export const Gone = statusError(410, 'Gone');
export const LengthRequired = statusError(411, 'LengthRequired');
export const PreconditionFailed = statusError(412, 'PreconditionFailed');
export const ContentTooLarge = statusError(413, 'ContentTooLarge');
export const URITooLong = statusError(414, 'URITooLong');
export const UnsupportedMediaType = statusError(415, 'UnsupportedMediaType');
export const RangeNotSatisfiable = statusError(416, 'RangeNotSatisfiable');
export const ExpectationFailed = statusError(417, 'ExpectationFailed');
export const MisdirectedRequest = statusError(421, 'MisdirectedRequest');
export const UnprocessableContent = statusError(422, 'UnprocessableContent');
export const Locked = statusError(423, 'Locked');
export const FailedDependency = statusError(424, 'FailedDependency');
export const TooEarly = statusError(425, 'TooEarly');
export const UpgradeRequired = statusError(426, 'UpgradeRequired');
export const PreconditionRequired = statusError(428, 'PreconditionRequired');
export const TooManyRequests = statusError(429, 'TooManyRequests');
export const RequestHeaderFieldsTooLarge = statusError(431, 'RequestHeaderFieldsTooLarge');
export const UnavailableForLegalReasons = statusError(451, 'UnavailableForLegalReasons');
export const InternalServerError = statusError(500, 'InternalServerError');
export const NotImplemented = statusError(501, 'NotImplemented');
export const BadGateway = statusError(502, 'BadGateway');
export const ServiceUnavailable = statusError(503, 'ServiceUnavailable');
export const GatewayTimeout = statusError(504, 'GatewayTimeout');
export const HTTPVersionNotSupported = statusError(505, 'HTTPVersionNotSupported');
export const VariantAlsoNegotiates = statusError(506, 'VariantAlsoNegotiates');
export const InsufficientStorage = statusError(507, 'InsufficientStorage');
export const LoopDetected = statusError(508, 'LoopDetected');
export const NetworkAuthenticationRequired = statusError(511, 'NetworkAuthenticationRequired');
