import { compose, type Application } from '@tsgi/core';
import { proxyFix } from '@tsgi/proxy-fix';
import { CSP_NONCE_KEY, NONCE, secureHeaders } from '@tsgi/secure-headers';

const page: Application = (environ, startResponse) => {
  const nonce = String(environ[CSP_NONCE_KEY]); // fresh for every response
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [new TextEncoder().encode(`<!doctype html><script nonce="${nonce}">console.log('allowed')</script>`)];
};

// helmet's defaults, with inline scripts allowed by nonce; HSTS once proxyFix says https.
export const app = compose(
  proxyFix(),
  secureHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", NONCE] } } }),
)(page);
