import fc from 'fast-check';
import net from 'node:net';
import { isIPv4, isIPv6 } from './ip-syntax.js';

const hexGroup = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
// Near-misses: real addresses with a character changed, dropped or doubled.
const mangled = fc
  .tuple(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), fc.nat(), fc.constantFrom('', ':', '.', '0', 'g', '%', '::', '%eth0', '00'))
  .map(([ip, at, insert]) => {
    const i = at % (ip.length + 1);
    return ip.slice(0, i) + insert + ip.slice(i + (insert === '' ? 1 : 0));
  });

describe('isIPv4 / isIPv6 without node:net', () => {
  it("give node:net's answers for addresses, near-misses and junk", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.ipV4Extended(),
          mangled,
          fc.array(hexGroup, { minLength: 1, maxLength: 9 }).map((groups) => groups.join(':')),
          fc.tuple(fc.ipV6(), fc.stringMatching(/^[0-9a-z.-]{0,6}$/)).map(([ip, zone]) => `${ip}%${zone}`),
          fc.string({ maxLength: 20 }),
        ),
        (text) => {
          expect([text, isIPv4(text), isIPv6(text)]).toEqual([text, net.isIPv4(text), net.isIPv6(text)]);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agree on the forms a proxy list holds', () => {
    for (const text of ['127.0.0.1', '::1', '::ffff:10.0.0.1', 'fe80::1%eth0', '2001:db8::', '1.2.3.04', '1.2.3', ':::1', '1::2::3', '[::1]']) {
      expect([text, isIPv4(text), isIPv6(text)]).toEqual([text, net.isIPv4(text), net.isIPv6(text)]);
    }
  });
});
