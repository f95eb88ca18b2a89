export { testClient, type TestClient, type TestClientOptions, type TestResponse } from './test-client.js';
export { buildEnviron, createEnviron, decodePath, type RequestInit } from './test-environ.js';
export { BodyInputStream } from './body-input-stream.js';
export { CollectingErrorStream } from './error-stream.js';
export { LintError } from '@tsgi/lint';
export { TestWebSocket, WebSocketRefused, type CloseEvent, type WebSocketInit } from './websocket.js';
