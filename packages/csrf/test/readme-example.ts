import { compose, type Application } from '@tsgi/core';
import { csrf } from '@tsgi/csrf';
import { proxyFix } from '@tsgi/proxy-fix';
import { router } from '@tsgi/router';

const saved: Application = (_environ, startResponse) => {
  startResponse('303 See Other', [['Location', '/'], ['Content-Length', '0']]);
  return [];
};

// Unsafe requests from other sites get a 403; https://admin.example.com may post too.
export const app = compose(
  proxyFix(), // behind a TLS proxy: the request's own origin is https://...
  csrf({ trustedOrigins: ['https://admin.example.com'] }),
)(router().post('/settings', saved));
