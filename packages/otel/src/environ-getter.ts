/**
 * A `TextMapGetter` over the environ, for propagators: W3C Trace Context's
 * `traceparent`/`tracestate` (or B3, Jaeger, baggage, whatever the configured or
 * global propagator reads) come as CGI keys, `HTTP_TRACEPARENT`. Header names are
 * turned into keys once each, through core's `environKey`, which caches them.
 *
 * @example
 * const parent = propagation.extract(ROOT_CONTEXT, environ, environGetter);
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 * @see https://peps.python.org/pep-3333/#environ-variables (HTTP_ variables)
 * @module
 */
import type { TextMapGetter } from '@opentelemetry/api';
import { environKey, type Environ } from '@tsgi/core';

export const environGetter: TextMapGetter<Environ> = {
  get(environ, name) {
    const key = environKey(name);
    const value = key === null ? undefined : environ[key];
    return typeof value === 'string' ? value : undefined;
  },
  keys(environ) {
    const names: string[] = [];
    for (const key in environ) if (key.startsWith('HTTP_')) names.push(key.slice(5).toLowerCase().replaceAll('_', '-'));
    return names;
  },
};
