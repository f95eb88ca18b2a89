import { compose, type Application } from '@tsgi/core';
import { ipRestriction } from '@tsgi/ip-restriction';
import { proxyFix } from '@tsgi/proxy-fix';
import { urlMap } from '@tsgi/router';

const text = (body: string): Application => (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(body)];
};

// Behind nginx at 10.0.0.2: proxyFix() first, so that REMOTE_ADDR is the client's.
export const app = compose(proxyFix({ trustedProxies: ['10.0.0.2'] }))(
  urlMap({
    '/admin': ipRestriction({ allow: ['10.0.0.0/8', 'fd00::/8'], deny: ['10.0.66.0/24'] })(text('admin')),
    '/': ipRestriction({ deny: ['192.0.2.0/24'] })(text('site')),
  }),
);
