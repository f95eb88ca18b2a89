/**
 * The tracer and the two metric instruments of the HTTP server conventions, made on
 * the first request rather than at factory time: no work at import or factory time
 * (Workers forbid I/O there), and an SDK started after `otel()` was called is still
 * found (the global meter provider, unlike the tracer provider, has no proxy).
 *
 * - `http.server.request.duration`: histogram in seconds, with the conventions'
 *   bucket boundaries given as advice (a view can still change them).
 * - `http.server.active_requests`: up-down counter of requests in flight.
 *
 * @example
 * const { tracer, duration, active } = instruments.get();
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#http-server
 * @module
 */
import {
  createNoopMeter,
  metrics,
  ProxyTracerProvider,
  trace,
  type Histogram,
  type MeterProvider,
  type Tracer,
  type TracerProvider,
  type UpDownCounter,
} from '@opentelemetry/api';

/** The instrumentation scope spans and metrics are reported under. */
export const SCOPE = '@tsgi/otel';

/** The conventions' explicit bucket boundaries for `http.server.request.duration`, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export interface Instruments {
  readonly tracer: Tracer;
  readonly duration: Histogram;
  readonly active: UpDownCounter;
  /** False when the meter is the API's no-op one (no SDK): the request skips timing and labels. */
  readonly metrics: boolean;
}

/** What a ProxyTracerProvider answers while no SDK is registered behind it (one shared object). */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * Whether `provider` makes real spans: not while it is the API's proxy with no SDK behind
 * it. Asked per request, as an SDK may be registered at any time; a provider this cannot
 * tell about (another copy of the API, an SDK's own) counts as tracing.
 */
function tracing(provider: TracerProvider): boolean {
  const delegate = (provider as { getDelegate?: () => TracerProvider }).getDelegate;
  return typeof delegate !== 'function' || delegate.call(provider) !== NO_SDK;
}

export class LazyInstruments {
  private made: Instruments | undefined = undefined;

  constructor(
    private readonly tracerProvider: TracerProvider | undefined,
    private readonly meterProvider: MeterProvider | undefined,
  ) {}

  get(): Instruments {
    return (this.made ??= this.make());
  }

  /** Whether spans are made now. */
  tracing(): boolean {
    return tracing(this.tracerProvider ?? trace.getTracerProvider());
  }

  private make(): Instruments {
    const tracer = (this.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
    const meter = (this.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
    const duration = meter.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    const active = meter.createUpDownCounter('http.server.active_requests', {
      unit: '{request}',
      description: 'Number of active HTTP server requests.',
    });
    return { tracer, duration, active, metrics: meter !== createNoopMeter() };
  }
}
