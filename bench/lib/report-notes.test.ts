import { NOTES_MARK, renderMarkdown, type Latest } from './render.js';
import { notesOf, withNotes } from './report-notes.js';

function run(scenario: string, title: string, rps: number): Latest['scenarios'][string] {
  return {
    scenario,
    title,
    what: `${title}, described`,
    baseline: 'raw-node',
    tsgi: 'tsgi',
    results: [
      { id: 'raw-node', medianRps: rps, spread: 0.1, medianP99: 9, ratio: 1, ratioToTsgi: 1, cpuPerRequest: 50, cpuRatio: 1 },
      { id: 'tsgi', medianRps: rps, spread: 0.1, medianP99: 9, ratio: 1, ratioToTsgi: 1, cpuPerRequest: 50, cpuRatio: 1 },
    ],
    goals: [],
  } as Latest['scenarios'][string];
}

function latest(rps: number, names: Array<[string, string]>): Latest {
  return {
    machine: { cpu: 'Test CPU', cores: 2, node: 'v20.0.0', platform: 'linux x64', pinned: true },
    command: 'pnpm bench',
    date: '2026-01-02T03:04:05.000Z',
    scenarios: Object.fromEntries(names.map(([scenario, title]) => [scenario, run(scenario, title, rps)])),
  };
}

const HELLO: [string, string] = ['hello', 'Hello world'];
const STACK: [string, string] = ['stack', 'Realistic stack'];

test("a new run's tables keep each scenario's notes under that scenario, and only them", () => {
  const old = renderMarkdown(latest(1000, [HELLO, STACK]))
    .replace(/(### Hello world[\s\S]*?notes: kept by bench\/report\.ts -->)/, '$1\n\n**Why hello moved.** A note.\n\n#### A sub-note\n\n| a | b |\n|---|---|\n| 1 | 2 |')
    .replace(/(### Realistic stack[\s\S]*?notes: kept by bench\/report\.ts -->)/, '$1\n\nThe stack note.');
  const notes = notesOf(old);
  expect([...notes.keys()]).toEqual(['Hello world (`hello`)', 'Realistic stack (`stack`)']);
  const next = withNotes(renderMarkdown(latest(2345, [HELLO, STACK])), notes);
  // The new figures, and each note after its own scenario's tables, before the next heading.
  expect(next).toContain('2345');
  expect(next).not.toContain('| 1000 |');
  const hello = next.slice(next.indexOf('### Hello world'), next.indexOf('### Realistic stack'));
  expect(hello).toContain('**Why hello moved.** A note.');
  expect(hello).toContain('#### A sub-note');
  expect(hello).not.toContain('The stack note.');
  expect(next.slice(next.indexOf('### Realistic stack'))).toContain('The stack note.');
  // Read back, the same notes: a second report changes nothing.
  expect(withNotes(renderMarkdown(latest(2345, [HELLO, STACK])), notesOf(next))).toBe(next);
});

test('notes of a scenario the new run does not render are kept at the end under their heading', () => {
  const old = renderMarkdown(latest(1000, [HELLO, STACK])).replace(/(### Realistic stack[\s\S]*?notes: kept by bench\/report\.ts -->)/, '$1\n\nThe stack note.');
  const next = withNotes(renderMarkdown(latest(1000, [HELLO])), notesOf(old));
  expect(next).toMatch(new RegExp(`### Realistic stack \\(\`stack\`\\)\\n\\n${NOTES_MARK}\\n\\nThe stack note.\\n$`));
});
