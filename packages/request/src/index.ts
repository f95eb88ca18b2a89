export { request, RequestView, REQUEST_KEY, type ReadonlySearchParams } from './request.js';
export type { ReadonlyHeaders } from './environ-headers.js';
export { LIMITS, type BodyOptions, type FormOptions, type JsonOptions } from './limits.js';
export { parseCookies, serializeCookie, deleteCookie, type CookieOptions } from './cookies.js';
export { cookieSigner, type CookieSigner, type CookieSignerOptions } from './signed-cookies.js';
export { json, text, html, redirect, empty, type ResponseApp, type ResponseInit, type SetCookieInit } from './response-apps.js';
export { encodeLocation } from './location.js';
export { tempFileReaper } from './temp-file-reaper.js';
export { matchesMediaType, parseMediaType, type MediaType } from './media-type.js';
// The multipart parser's whole API (parseMultipart, Part, MultipartOptions, ...).
export * from './multipart/index.js';
