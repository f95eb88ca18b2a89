import fc from 'fast-check';
import { parseLiteralArguments } from './cli-literals.js';
import { ConfigError } from './setting-value.js';

test('strings in either quote, numbers, true/false/null, arrays, objects with bare or quoted keys', () => {
  expect(parseLiteralArguments('')).toEqual([]);
  expect(parseLiteralArguments(`'prod', 3`)).toEqual(['prod', 3]);
  expect(parseLiteralArguments(` "a\\"b", 'it\\'s', '\\u00e9\\n' `)).toEqual(['a"b', "it's", 'é\n']);
  expect(parseLiteralArguments('-1.5e3, 0, true, false, null')).toEqual([-1500, 0, true, false, null]);
  expect(parseLiteralArguments(`[1, [2, 'x'],], { debug: false, 'max-age': 60, "k": [] }`)).toEqual([[1, [2, 'x']], { debug: false, 'max-age': 60, k: [] }]);
  expect(parseLiteralArguments(`'http://a:b/(x)'`)).toEqual(['http://a:b/(x)']);
});

test('a key named __proto__ is an own property, as with JSON.parse, never the prototype', () => {
  const [object] = parseLiteralArguments(`{ __proto__: { polluted: 1 } }`) as [Record<string, unknown>];
  expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  expect(Object.keys(object)).toEqual(['__proto__']);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test.each([
  ['process.exit(1)', "'process' is not a literal at character 1"],
  ['env=\'prod\'', "'env' is not a literal at character 1"],
  ['1 2', "expected ',' or the end at character 3"],
  ["'open", 'unclosed \' at character 6'],
  ['[1, 2', "expected ',' or ']' at character 6"],
  ['{ a 1 }', "expected ':', found '1' at character 5"],
  ['`x`', "unexpected '`' at character 1"],
  ['+1', "unexpected '+' at character 1"],
  ['Infinity', "'Infinity' is not a literal"],
  ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', 'more than 32 levels of nesting'],
])('%s: one line naming the problem and where; nothing is run', (text, problem) => {
  let caught: unknown;
  try {
    parseLiteralArguments(text, "the application 'app.js:make(...)'");
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const message = (caught as Error).message;
  expect(message).toContain(problem);
  expect(message).toMatch(/^the application 'app\.js:make\(\.\.\.\)': .*; only literals are allowed .*nothing is evaluated$/);
  expect(message).not.toContain('\n');
});

test('property: every JSON value reads back as JSON.parse reads it', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), (values) => {
      const text = values.map((value) => JSON.stringify(value)).join(', ');
      expect(parseLiteralArguments(text)).toEqual(values.map((value) => JSON.parse(JSON.stringify(value)) as unknown));
    }),
  );
});

test('property: any text either reads or is refused with a ConfigError, never another error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\s'"[\]{}(),:0-9a-z.\-\\]*$/)), (text) => {
      try {
        parseLiteralArguments(text);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
      }
    }),
    { numRuns: 2000 },
  );
});
