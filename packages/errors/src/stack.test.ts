import { parseStack } from './stack.js';

test('reads the frame shapes V8 prints', () => {
  const stack = [
    'TypeError: boom: at (not a frame)',
    '    at handler (/srv/app.js:12:9)',
    '    at async Router.handle (file:///srv/router.js:40:3)',
    '    at /srv/anon.js:1:2',
    '    at new Server (node:internal/http:7:5)',
    '    at Array.map (<anonymous>)',
    '    at eval (eval at run (/srv/x.js:3:1), <anonymous>:1:7)',
    '    at C:\\srv\\win.js:4:8',
  ].join('\n');
  expect(parseStack(stack)).toEqual([
    { function: 'handler', file: '/srv/app.js', line: 12, column: 9, text: 'at handler (/srv/app.js:12:9)' },
    { function: 'async Router.handle', file: 'file:///srv/router.js', line: 40, column: 3, text: 'at async Router.handle (file:///srv/router.js:40:3)' },
    { file: '/srv/anon.js', line: 1, column: 2, text: 'at /srv/anon.js:1:2' },
    { function: 'new Server', file: 'node:internal/http', line: 7, column: 5, text: 'at new Server (node:internal/http:7:5)' },
    { function: 'Array.map', text: 'at Array.map (<anonymous>)' },
    { function: 'eval', file: undefined, line: 1, column: 7, text: 'at eval (eval at run (/srv/x.js:3:1), <anonymous>:1:7)' },
    { file: 'C:\\srv\\win.js', line: 4, column: 8, text: 'at C:\\srv\\win.js:4:8' },
  ]);
});

test('a real stack: the first frame is this test file', () => {
  const [first] = parseStack(new Error('here').stack!);
  expect(first?.file).toBe(__filename);
  expect(first?.line).toBeGreaterThan(0);
});
