import fc from 'fast-check';
import { eventKind, readEvent } from './event-request.js';

const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const path = fc.array(segment, { minLength: 0, maxLength: 4 }).chain((parts) =>
  fc.boolean().map((slash) => '/' + parts.join('/') + (slash && parts.length > 0 ? '/' : '')),
);
const stage = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/);

describe('readEvent', () => {
  test('REST API: whatever stands before path in requestContext.path is the mount, and mount + path is what the client asked for', () => {
    fc.assert(
      fc.property(stage, path, (name, p) => {
        const event = { httpMethod: 'GET', path: p, requestContext: { stage: name, path: `/${name}${p}` } };
        const request = readEvent(event, '');
        expect(request.scriptName).toBe(`/${name}`);
        expect(request.path).toBe(p);
      }),
    );
  });

  test('HTTP API: a named stage is taken off rawPath only as a whole first segment', () => {
    fc.assert(
      fc.property(stage, path, (name, p) => {
        const v2 = (rawPath: string) => ({ version: '2.0', rawPath, requestContext: { stage: name, http: { method: 'GET' } } });
        const mounted = readEvent(v2(`/${name}${p === '/' ? '' : p}`), '');
        expect(mounted.scriptName).toBe(`/${name}`);
        expect(mounted.scriptName + (mounted.path === '/' ? '' : mounted.path)).toBe(`/${name}${p === '/' ? '' : p}`);
        const unmounted = readEvent(v2(`/${name}x${p}`), '');
        expect(unmounted.scriptName).toBe('');
      }),
    );
  });

  test('characters an integration decoded are sent on as UTF-8 escapes', () => {
    const request = readEvent({ httpMethod: 'GET', path: '/café', requestContext: {} }, '');
    expect(request.path).toBe('/caf%C3%A9');
  });
});

describe('eventKind', () => {
  test.each([
    [{ version: '2.0', rawPath: '/', requestContext: { http: { method: 'GET' } } }, 'v2'],
    [{ httpMethod: 'GET', path: '/', requestContext: { stage: 'prod' } }, 'v1'],
    [{ httpMethod: 'GET', path: '/', requestContext: { elb: { targetGroupArn: 'arn' } } }, 'alb'],
    [{ Records: [] }, null],
    [{ httpMethod: 'GET', path: '/' }, null],
    [null, null],
    ['GET /', null],
  ])('%j is %s', (event, kind) => {
    expect(eventKind(event)).toBe(kind);
  });
});
