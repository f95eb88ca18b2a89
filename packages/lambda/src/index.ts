export { toLambda, type LambdaHandler, type ToLambdaOptions } from './to-lambda.js';
export { eventKind, type EventKind } from './event-request.js';
export { LambdaEventError } from './event-error.js';
export type { StreamingHandler, StreamingRuntime, ResponseStream } from './streaming.js';
export type { AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event, LambdaContext, LambdaHttpEvent, LambdaHttpResult } from './events.js';
