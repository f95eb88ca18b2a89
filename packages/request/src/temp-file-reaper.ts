/**
 * `tempFileReaper()`: removes the temp files the request's multipart parses wrote
 * (files past `fileMemoryThreshold` that `part.store()` or `readMultipartForm` spooled
 * to disk) once the response is over, however it ends: when the gateway closes the
 * response body (completed, HEAD, an error while sending, the client gone), or when the
 * app throws or rejects before it returned a body. Rack's `TempfileReaper` does the same
 * through `rack.tempfiles` and a `BodyProxy`; here the hook is core's `wrapResponse`
 * close hook.
 *
 * Put it outside the app and every layer that may still read an uploaded file while
 * the response is sent (a body streaming a stored file back): its files are removed
 * only after that body is closed. An app that removes them itself (`form.cleanup()`)
 * loses nothing: cleanup is safe to repeat. Parses made without it keep their files
 * until `cleanup()` is called.
 *
 * @example
 * const app = compose(httpErrors(), tempFileReaper())(async (environ, startResponse) => {
 *   const form = await readMultipartForm(environ); // a 20 MB photo goes to a temp file
 *   await savePhoto(form.file('photo')!);
 *   return json({ ok: true })(environ, startResponse);
 * }); // the temp file is gone once the answer is sent, or the client left, or savePhoto threw
 *
 * @see https://github.com/rack/rack/blob/main/lib/rack/tempfile_reaper.rb
 * @module
 */
import { isPromise, wrapResponse, type Application, type Body, type Middleware, type ResponseHooks } from '@tsgi/core';
import { reapedRequest, removeTempFiles, type TempFileOwner } from './multipart/temp-file-owners.js';

const HOOKS: ResponseHooks<Set<TempFileOwner>> = {
  close(owners) {
    // close() cannot wait: removal runs on, and never rejects.
    void removeTempFiles(owners);
  },
};

/** The error reaches the layer above only once the files it left are gone. */
async function removeThenThrow(owners: Set<TempFileOwner>, error: unknown): Promise<never> {
  await removeTempFiles(owners);
  throw error;
}

/** Removes the request's multipart temp files when its response ends. Takes no options. */
export function tempFileReaper(): Middleware {
  return (app: Application) =>
    function tempFileReaperApp(environ, startResponse) {
      const owners = reapedRequest(environ);
      let result: Body | Promise<Body>;
      try {
        result = wrapResponse(app, environ, startResponse, HOOKS, owners);
      } catch (error) {
        void removeTempFiles(owners);
        throw error;
      }
      if (isPromise<Body>(result)) return Promise.resolve(result).catch((error: unknown) => removeThenThrow(owners, error));
      return result;
    };
}
