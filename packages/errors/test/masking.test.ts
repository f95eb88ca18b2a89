/**
 * The exception page never shows a secret that came in a URL: in the request's query,
 * the Referer, another header whose value is a URL, or the error's own message. Each
 * form of the page (HTML, JSON, text) is rendered and searched for the secret value.
 * In process (testClient, under lint) so the property can run many requests.
 */
import fc from 'fast-check';
import type { Application } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { showExceptions } from '../src/index.js';

/** An app whose upstream call failed: the error message carries the URL it called. */
function failing(url: string): Application {
  return function failingApp() {
    throw new Error(`GET ${url} failed: 503`, { cause: new Error(`socket hang up (${url})`) });
  };
}

const FORMS = { html: 'text/html', json: 'application/json', text: 'text/plain' } as const;

/** Every form of the page for one request, as one string per form. */
async function pages(app: Application, target: string, headers: Record<string, string>): Promise<string[]> {
  // No source lines: this file's own lines (the table below) must not be what the page shows.
  const client = testClient(showExceptions({ context: 0 })(app));
  const out: string[] = [];
  for (const accept of Object.values(FORMS)) {
    const response = await client.get(target, { headers: { ...headers, Accept: accept } });
    expect(response.status).toBe(500);
    out.push(response.text);
  }
  return out;
}

interface Placed {
  target: string;
  headers: Record<string, string>;
  app: Application;
}

/** Where a URL can stand in a request, and what the app throws. */
const PLACES: Record<'query' | 'referer' | 'header' | 'message', (url: string) => Placed> = {
  query: (url: string) => ({ target: '/pay' + url.slice(url.indexOf('?')), headers: {}, app: failing('https://upstream.example/') }),
  referer: (url: string) => ({ target: '/pay', headers: { Referer: url }, app: failing('https://upstream.example/') }),
  header: (url: string) => ({ target: '/pay', headers: { 'X-Original-Url': url, 'X-Callback': url }, app: failing('https://upstream.example/') }),
  message: (url: string) => ({ target: '/pay', headers: {}, app: failing(url) }),
};

describe('the issue\'s cases: none of these values reaches the page', () => {
  const cases: Array<[string, string]> = [
    ['key', 'https://maps.example/api?key=AIzaKEYVALUE123'],
    ['sig', 'https://store.example/blob?sv=2021&sig=SIGVALUE4567'],
    ['code', 'https://app.example/oauth/callback?code=CODEVALUE890&state=ok'],
    ['pass', 'https://legacy.example/login?user=ann&pass=PASSVALUE12'],
    ['pw', 'https://legacy.example/login?user=ann&pw=PWVALUE3456'],
    ['api+key', 'https://api.example/v1?api+key=APIPLUSKEY78'],
    ['api%5Fkey', 'https://api.example/v1?api%5Fkey=APIENCKEY901'],
    ['X-Amz-Signature', 'https://bucket.s3.amazonaws.com/o?X-Amz-Credential=AKIACREDVAL1&X-Amz-Signature=AMZSIGVALUE2'],
    ['client_secret', 'https://idp.example/token?client_id=web&client_secret=CLIENTSECRET3'],
    ['userinfo', 'https://ann:USERINFOPW45@db.example/admin'],
    ['fragment', 'https://app.example/cb#access_token=FRAGTOKEN678&expires_in=3600'],
    ['matrix', 'https://shop.example/cart;jsessionid=JSESSIONVAL9?item=1'],
  ];
  const secretOf = (url: string): string[] => url.match(/[A-Z]{4,}[A-Z0-9]*\d/g) ?? [];

  test.each(cases)('%s', async (_name, url) => {
    for (const [place, make] of Object.entries(PLACES)) {
      const { target, headers, app } = make(url);
      const carried = [target, ...Object.values<string>(headers), url].some((text) => secretOf(url).some((secret) => text.includes(secret)));
      // The query place carries only the part after '?': a path parameter or user info stays behind.
      if (place === 'query' && !secretOf(target).length) continue;
      expect(carried).toBe(true);
      for (const page of await pages(app, target, headers)) {
        for (const secret of secretOf(url)) expect([place, page.includes(secret)]).toEqual([place, false]);
        expect(page).toContain('[masked]');
      }
    }
  });

  test('what is not secret stays readable: the path, other parameters, the host', async () => {
    const url = 'https://app.example/oauth/callback?code=CODEVALUE890&state=ok&page=2';
    const [html, json, text] = await pages(failing(url), '/pay?page=2&key=K1234567890', { Referer: url });
    for (const page of [json!, text!]) {
      expect(page).toContain('https://app.example/oauth/callback?code=[masked]&state=ok&page=2');
      expect(page).toContain('/pay?page=2&key=[masked]');
    }
    expect(html).toContain('https://app.example/oauth/callback?code=[masked]&amp;state=ok&amp;page=2');
    expect(html).toContain('/pay?page=2&amp;key=[masked]');
  });
});

const LISTED = [
  'key', 'sig', 'code', 'pass', 'pw', 'pwd', 'api_key', 'api-key', 'apikey', 'api+key', 'api key', 'access_token', 'token',
  'refresh_token', 'id_token', 'secret', 'password', 'passwd', 'signature', 'auth', 'session', 'sessionid', 'sid',
  'client_secret', 'x-amz-signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'X-Goog-Signature', 'jsessionid',
  'csrf_token', 'private_key', 'otp', 'code_verifier', 'passphrase',
];

/** A listed name as a client may spell it: any case, `_` as `-` or `+`, percent-encoded. */
const spelled = fc.tuple(fc.constantFrom(...LISTED), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), fc.constantFrom('_', '-', '+', '%5F', '%2D')).map(([name, upper, sep]) =>
  [...name]
    .map((ch, i) => (ch === '_' || ch === '-' ? sep : upper[i] ? ch.toUpperCase() : ch))
    .join('')
    .replace(/ /g, '+'),
);
const secretValue = fc.stringMatching(/^[A-Za-z0-9._~-]{10,24}$/).map((tail) => `Zq${tail}`);
const plain = fc.tuple(fc.constantFrom('q', 'page', 'sort', 'lang', 'state'), fc.stringMatching(/^[a-z0-9]{0,6}$/)).map(([k, v]) => `${k}=${v}`);

test('property: a secret under any listed name, in any URL in the request or the error, never appears in any form of the page', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...(Object.keys(PLACES) as Array<keyof typeof PLACES>)),
      fc.constantFrom('https://app.example/cb', 'http://127.0.0.1:8080/a/b', '/relative/path', 'https://u@h.example/x'),
      fc.array(plain, { maxLength: 3 }),
      spelled,
      secretValue,
      fc.array(plain, { maxLength: 3 }),
      fc.constantFrom('&', ';'),
      async (place, base, before, name, secret, after, separator) => {
        const url = `${base}?${[...before, `${name}=${secret}`, ...after].join(separator)}`;
        const { target, headers, app } = PLACES[place](url);
        for (const page of await pages(app, target, headers)) expect(page.includes(secret)).toBe(false);
      },
    ),
    { numRuns: 150 },
  );
});

test('the secrets option adds names; the default rule still applies', async () => {
  const client = testClient(showExceptions({ context: 0, secrets: /^(ssn|internalref)$/ })(failing('https://upstream.example/')));
  // On lines of their own: the page shows the line of each frame, this test's call too.
  const target = '/pay?ssn=SSN123456&token=TOK123456&page=2';
  const headers = { 'X-Internal-Ref': 'REF123456', Accept: 'text/plain' };
  const response = await client.get(target, { headers });
  for (const secret of ['SSN123456', 'TOK123456', 'REF123456']) expect(response.text).not.toContain(secret);
  expect(response.text).toContain('GET /pay?ssn=[masked]&token=[masked]&page=2 HTTP/1.1');
});
