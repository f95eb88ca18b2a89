/**
 * The @tsgi/otel README's example, served by the real gateway under lint(): a request
 * gives a SERVER span named by its route, in the exporter the example set up.
 */
import { SpanKind } from '@opentelemetry/api';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { app, exporter } from './otel-readme.js';

test('the README example: GET /users/42 makes the span "GET /users/:id"', async () => {
  const served = await serve(lint(app), { host: '127.0.0.1', port: 0 });
  try {
    const res = await fetch(`${served.url}/users/42`);
    expect(await res.text()).toBe('user 42\n');
    const deadline = Date.now() + 5000;
    while (exporter.getFinishedSpans().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'GET /users/:id', kind: SpanKind.SERVER });
    expect(span!.attributes).toMatchObject({ 'http.route': '/users/:id', 'http.response.status_code': 200, 'url.path': '/users/42' });
  } finally {
    await served.close();
  }
});
