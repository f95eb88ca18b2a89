/**
 * The OpenTelemetry SDK as a production process would start it, for the `otel` bench
 * rows: a TracerProvider with a BatchSpanProcessor (default batch sizes) exporting to
 * an in-memory exporter, emptied every second so a long run measures export work, not a
 * heap that grows by every span; and the AsyncLocalStorage context manager (what the
 * Node SDK registers). The same for @tsgi/otel and @fastify/otel, so their costs compare.
 */
import { context, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';

let contextManager: AsyncLocalStorageContextManager | undefined;
/** Every SDK started in this process, newest last (for the test that checks spans are made). */
export const started: BenchSdk[] = [];

export interface BenchSdk {
  readonly tracerProvider: ApiTracerProvider & { forceFlush(): Promise<void> };
  readonly exporter: InMemorySpanExporter;
  close(): Promise<void>;
}

export function startSdk(): BenchSdk {
  if (contextManager === undefined) {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  const emptying = setInterval(() => exporter.reset(), 1000);
  emptying.unref();
  const sdk: BenchSdk = {
    tracerProvider,
    exporter,
    async close() {
      clearInterval(emptying);
      await tracerProvider.shutdown();
    },
  };
  started.push(sdk);
  return sdk;
}
