import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event } from '../src/index.js';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'events', name), 'utf8')) as T;
}

/** A fresh copy of each documented event shape, for tests to change freely. */
export const events = {
  v1: (): ApiGatewayV1Event => load('api-gateway-v1.json'),
  v2: (): ApiGatewayV2Event => load('api-gateway-v2.json'),
  functionUrl: (): ApiGatewayV2Event => load('function-url.json'),
  alb: (): AlbEvent => load('alb.json'),
  albMulti: (): AlbEvent => load('alb-multi-value.json'),
};
