/**
 * The OpenTelemetry SDK as the tests' consumer: a tracer provider exporting to an
 * in-memory exporter (synchronously, through SimpleSpanProcessor), a meter provider
 * read on demand, and, once per test file, the global AsyncLocalStorage context
 * manager and the W3C propagators, as an application's SDK start-up would set them.
 */
import { context, propagation, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
  type MetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

let registered = false;

/** The global context manager and propagator, once per process (a test file). */
export function registerGlobals(): void {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

/** A MetricReader that the test asks for a collection. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface TestSdk {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly exporter: InMemorySpanExporter;
  /** The finished spans so far. */
  spans(): ReadableSpan[];
  /** The finished spans of `@tsgi/otel`. */
  serverSpans(): ReadableSpan[];
  /** One metric by name, as collected now; undefined when not recorded. */
  metric(name: string): Promise<MetricData | undefined>;
  /** The histogram points of http.server.request.duration. */
  durations(): Promise<Array<{ attributes: Attributes; count: number; sum: number; boundaries: number[] }>>;
  /** The http.server.active_requests points. */
  active(): Promise<Array<{ attributes: Attributes; value: number }>>;
  shutdown(): Promise<void>;
}

export function testSdk(): TestSdk {
  registerGlobals();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  async function metric(name: string): Promise<MetricData | undefined> {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      const found = scope.metrics.find((m) => m.descriptor.name === name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return {
    tracerProvider,
    meterProvider,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    serverSpans: () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === '@tsgi/otel'),
    metric,
    async durations() {
      const data = await metric('http.server.request.duration');
      if (data === undefined) return [];
      expect(data.dataPointType).toBe(DataPointType.HISTOGRAM);
      return (data as HistogramMetricData).dataPoints.map((p) => ({
        attributes: p.attributes,
        count: p.value.count,
        sum: p.value.sum ?? NaN,
        boundaries: p.value.buckets.boundaries,
      }));
    },
    async active() {
      const data = await metric('http.server.active_requests');
      if (data === undefined) return [];
      return (data as SumMetricData).dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Waits (bounded) until `check` returns a value. */
export async function eventually<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`nothing after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
