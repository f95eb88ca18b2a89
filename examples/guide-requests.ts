import { compose, type Application } from '@tsgi/core';
import { NotFound, httpErrors } from '@tsgi/errors';
import { cookieSigner, json, redirect, request, text } from '@tsgi/request';
import { router } from '@tsgi/router';
import { serve } from '@tsgi/server';

interface Note {
  id: number;
  text: string;
  tags: string[];
}
const notes: Note[] = [];
// Keys come from the environment in production; a key is at least 32 bytes.
const signer = cookieSigner({ keys: [process.env.COOKIE_KEY ?? 'development key, at least 32 bytes long'] });

// GET /notes?tag=x: the query as URLSearchParams.
const listNotes: Application = (environ, startResponse) => {
  const tag = request(environ).query.get('tag');
  return json(tag === null ? notes : notes.filter((note) => note.tags.includes(tag)))(environ, startResponse);
};

function addNote(text: string, tags: string[]): Note {
  const note = { id: notes.length + 1, text, tags };
  notes.push(note);
  return note;
}

// POST /notes with a JSON body: 415 unless it is JSON, 400 if malformed, 413 past 16 KiB.
const createNote: Application = async (environ, startResponse) => {
  const req = request(environ);
  const body = await req.json<{ text?: unknown; tags?: unknown }>({ limit: 16 * 1024 });
  if (typeof body.text !== 'string') return json({ error: 'text must be a string' }, { status: 422 })(environ, startResponse);
  const note = addNote(body.text, Array.isArray(body.tags) ? body.tags.map(String) : []);
  const author = await signer.sign('author', req.remoteUser ?? req.ip ?? 'anonymous');
  return json(note, { status: 201, headers: { Location: `/notes/${note.id}` } })
    .setCookie('author', author, { path: '/', httpOnly: true, sameSite: 'lax' })(environ, startResponse);
};

// POST /notes/form from an HTML <form>: urlencoded fields, then 303 to the new note.
const createFromForm: Application = async (environ, startResponse) => {
  const form = await request(environ).form();
  const note = addNote(form.get('text') ?? '', form.getAll('tag'));
  return redirect(`/notes/${note.id}`, 303)(environ, startResponse);
};

// GET /notes/:id: the route param; an unknown id is httpErrors()'s 404.
const showNote: Application = (environ, startResponse) => {
  const note = notes.find((n) => String(n.id) === request(environ).params.id);
  if (note === undefined) throw new NotFound(`no note ${request(environ).params.id}`);
  return json(note)(environ, startResponse);
};

// GET /whoami: the signed cookie, undefined when missing or tampered with.
const whoami: Application = async (environ, startResponse) => {
  const author = await signer.verify('author', request(environ).cookies.author);
  return text(author === undefined ? 'nobody yet\n' : `you wrote as ${author}\n`)(environ, startResponse);
};

export const notesApp = compose(httpErrors())(
  router()
    .get('/notes', listNotes)
    .post('/notes', createNote)
    .post('/notes/form', createFromForm)
    .get('/notes/:id', showNote)
    .get('/whoami', whoami)
    .get('/health', json({ ok: true })),
);

if (process.argv[1]?.endsWith('guide-requests.ts')) {
  void serve(notesApp, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
