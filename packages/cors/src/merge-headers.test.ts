import type { ResponseHeaders } from '@tsgi/core';
import { corsAnswer, mergeCorsHeaders, withCorsHeaders } from './merge-headers.js';

const ACAO: [string, string] = ['Access-Control-Allow-Origin', 'https://a.example'];

test.each<[string, ResponseHeaders, readonly string[], ResponseHeaders]>([
  ['no conflicts: appended, a Vary of its own', [['Content-Type', 'text/plain']], ['Origin'], [['Content-Type', 'text/plain'], ACAO, ['Vary', 'Origin']]],
  ['no Vary tokens: none added', [['Content-Type', 'text/plain']], [], [['Content-Type', 'text/plain'], ACAO]],
  ['Vary: * stays *', [['vary', '*']], ['Origin'], [['vary', '*'], ACAO]],
  ['Origin already varied, in any case', [['Vary', 'accept-encoding, origin']], ['Origin'], [['Vary', 'accept-encoding, origin'], ACAO]],
  ['one token already there, another case', [['Vary', ' origin ']], ['Origin'], [['Vary', ' origin '], ACAO]],
  ['an empty Vary gains the token', [['Vary', '']], ['Origin'], [['Vary', 'Origin'], ACAO]],
  ['two tokens, one present', [['Vary', 'Origin']], ['Origin', 'Access-Control-Request-Headers'], [['Vary', 'Origin, Access-Control-Request-Headers'], ACAO]],
  ['only the first of two Vary headers gains the token', [['Vary', 'Accept'], ['Vary', 'Cookie']], ['Origin'], [['Vary', 'Accept, Origin'], ['Vary', 'Cookie'], ACAO]],
  ['every owned header of the app is dropped, others kept in order', [['X-A', '1'], ['ACCESS-CONTROL-MAX-AGE', '5'], ['Access-Control-Expose-Headers', 'X'], ['X-B', '2']], [], [['X-A', '1'], ['X-B', '2'], ACAO]],
  ['a header that only looks like one is kept', [['Access-Control-Request-Method', 'PUT'], ['Accept-Ranges', 'bytes']], [], [['Access-Control-Request-Method', 'PUT'], ['Accept-Ranges', 'bytes'], ACAO]],
])('%s', (_name, app, vary, expected) => {
  const before = structuredClone(app);
  expect(withCorsHeaders(app, [ACAO], vary)).toEqual(expected);
  // The same through the answer made once per allowed origin (its fast path when nothing conflicts).
  expect(mergeCorsHeaders(app, corsAnswer([ACAO], vary))).toEqual(expected);
  expect(app).toEqual(before);
});
