import { HttpError, type Application } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import fc from 'fast-check';
import { ipRestriction, type IpRestrictionOptions } from './index.js';

const hello: Application = function hello(_environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode('hello')];
};

async function from(address: string | undefined, options: IpRestrictionOptions) {
  const restricted = ipRestriction(options)(hello);
  // No address: a gateway that cannot tell leaves the key out.
  const app: Application = (environ, startResponse) => {
    if (address === undefined) delete environ.REMOTE_ADDR;
    else environ.REMOTE_ADDR = address;
    return restricted(environ, startResponse);
  };
  const res = await testClient(app).get('/');
  return { status: res.status, text: res.text, type: res.header('content-type') };
}

const OFFICE: IpRestrictionOptions = { allow: ['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'], deny: ['10.0.66.0/24', '2001:db8:bad::/48'] };
const BLOCKLIST: IpRestrictionOptions = { deny: ['192.0.2.0/24', '::ffff:198.51.100.7'] };

describe('ipRestriction(): who passes', () => {
  test.each([
    // [address, options, status, reason]
    ['10.1.2.3', OFFICE, 200, 'hello'],
    ['::ffff:10.1.2.3', OFFICE, 200, 'hello'],
    ['::ffff:a01:203', OFFICE, 200, 'hello'],
    ['127.0.0.1', OFFICE, 200, 'hello'],
    ['2001:db8:1::5', OFFICE, 200, 'hello'],
    ['2001:DB8:1::5', OFFICE, 200, 'hello'],
    ['10.0.66.9', OFFICE, 403, 'client address 10.0.66.9 is denied\n'],
    ['::ffff:10.0.66.9', OFFICE, 403, 'client address ::ffff:10.0.66.9 is denied\n'],
    ['2001:db8:bad::1', OFFICE, 403, 'client address 2001:db8:bad::1 is denied\n'],
    ['192.0.2.1', OFFICE, 403, 'client address 192.0.2.1 is not allowed\n'],
    ['::1', OFFICE, 403, 'client address ::1 is not allowed\n'],
    ['192.0.2.200', BLOCKLIST, 403, 'client address 192.0.2.200 is denied\n'],
    ['198.51.100.7', BLOCKLIST, 403, 'client address 198.51.100.7 is denied\n'],
    ['198.51.100.8', BLOCKLIST, 200, 'hello'],
    ['fe80::1%eth0', BLOCKLIST, 200, 'hello'],
    ['10.0.0.1', { allow: [] }, 403, 'client address 10.0.0.1 is not allowed\n'],
    ['10.0.0.1', { allow: ['*'], deny: ['10.0.0.1'] }, 403, 'client address 10.0.0.1 is denied\n'],
    ['10.0.0.2', { allow: ['*'], deny: ['10.0.0.1'] }, 200, 'hello'],
    ['203.0.113.5', { deny: ['*'] }, 403, 'client address 203.0.113.5 is denied\n'],
  ] as const)('%s with %j: %i', async (address, options, status, text) => {
    expect(await from(address, options)).toEqual({ status, text, type: status === 403 ? 'text/plain; charset=utf-8' : 'text/plain' });
  });

  test.each([
    [undefined, 'the client address is unknown\n'],
    ['', 'the client address is unknown\n'],
    ['unknown', 'the client address is not an IP address\n'],
    ['1.2.3.4:5678', 'the client address is not an IP address\n'],
    ['<script>alert(1)</script>', 'the client address is not an IP address\n'],
  ])('no usable address (%j) is refused, allow list or not, and never echoed: %j', async (address, text) => {
    for (const options of [OFFICE, BLOCKLIST]) expect(await from(address, options)).toEqual({ status: 403, text, type: 'text/plain; charset=utf-8' });
  });

  test('a refused request never reaches the app; a second request from the same address gets the same answer', async () => {
    const app = jest.fn(hello);
    const client = testClient(ipRestriction(OFFICE)(app));
    for (let i = 0; i < 2; i++) {
      expect((await client.get('/', { environ: { REMOTE_ADDR: '10.0.66.1' } })).status).toBe(403);
      expect((await client.get('/', { environ: { REMOTE_ADDR: '10.0.1.1' } })).status).toBe(200);
    }
    expect(app).toHaveBeenCalledTimes(2);
  });

  test('a passing request gets the inner body as the same object', async () => {
    const body = [new Uint8Array([1])];
    let returned: unknown;
    const inner = ipRestriction(BLOCKLIST)((_e, startResponse) => {
      startResponse('200 OK', []);
      return body;
    });
    await testClient((environ, startResponse) => (returned = inner(environ, startResponse))).get('/');
    expect(returned).toBe(body);
  });

  test('throwHttpErrors: core HttpError 403 with the reason', async () => {
    const client = testClient(ipRestriction({ ...OFFICE, throwHttpErrors: true })(hello));
    const error = await client.get('/', { environ: { REMOTE_ADDR: '10.0.66.9' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect([(error as HttpError).status, (error as HttpError).message, (error as HttpError).expose]).toEqual([403, 'client address 10.0.66.9 is denied', true]);
  });
});

describe('ipRestriction(): options', () => {
  test.each([
    [undefined, 'ipRestriction: options must be an object with allow, deny or both, got undefined'],
    [{}, 'ipRestriction: give allow, deny or both (lists of addresses and CIDR ranges), got neither'],
    [{ allow: '10.0.0.0/8' }, 'ipRestriction: allow must be an array of addresses or CIDR ranges, got string'],
    [{ deny: ['10.0.0.0/33'] }, 'ipRestriction: deny entries must be IP addresses or CIDR ranges (such as \'10.0.0.0/8\' or \'fd00::/8\'), got "10.0.0.0/33"'],
    [{ allow: ['localhost'] }, 'ipRestriction: allow entries must be IP addresses or CIDR ranges (such as \'10.0.0.0/8\' or \'fd00::/8\'), got "localhost"'],
    [{ deny: [], throwHttpErrors: 'yes' }, 'ipRestriction: throwHttpErrors must be true or false, got yes'],
  ])('%j is refused at factory time', (options, message) => {
    expect(() => ipRestriction(options as never)).toThrow(new TypeError(message));
  });
});

/** The reference: IPv4 only here (the matcher's own property test covers IPv6 and spellings). */
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const toNumber = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const range = fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([ip, prefix]) => ({ ip, prefix }));
function inRange(address: string, { ip, prefix }: { ip: string; prefix: number }): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(ip) / size);
}

test('property: deny wins, then an allow list decides, else everyone passes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.option(fc.array(range, { maxLength: 4 }), { nil: undefined }), fc.array(range, { maxLength: 4 }), v4, async (allow, deny, address) => {
      const options = { allow: allow?.map((r) => `${r.ip}/${r.prefix}`), deny: deny.map((r) => `${r.ip}/${r.prefix}`) };
      const passes = !deny.some((r) => inRange(address, r)) && (allow === undefined || allow.some((r) => inRange(address, r)));
      expect((await from(address, options)).status).toBe(passes ? 200 : 403);
    }),
    { numRuns: 300 },
  );
});
