import { compose, readBody, type Application } from '@tsgi/core';
import { bodyLimit, timeout, timeoutSignal } from '@tsgi/limits';

export function searchApp(upstream: string): Application {
  const search: Application = async (environ, startResponse) => {
    const query = new TextDecoder().decode(await readBody(environ)); // 413 past 16 KiB, from bodyLimit()
    const answer = await fetch(`${upstream}/?q=${encodeURIComponent(query)}`, {
      signal: timeoutSignal(environ), // aborted when the 2 s are up: stop waiting upstream
    });
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [new Uint8Array(await answer.arrayBuffer())];
  };
  // 504 when search has not answered within 2 s; 413 for bodies over 16 KiB.
  return compose(timeout({ ms: 2000 }), bodyLimit({ limit: 16 * 1024 }))(search);
}
