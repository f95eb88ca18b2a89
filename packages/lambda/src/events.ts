/**
 * The event and result shapes `toLambda` reads and writes, as AWS documents them for
 * Lambda proxy integrations. Only the fields tsgi uses are typed; everything else in
 * an event passes through untouched under `environ['lambda.event']`.
 *
 * - API Gateway REST API, payload format 1.0 (`httpMethod`, `path`, `multiValueHeaders`)
 * - API Gateway HTTP API, payload format 2.0 (`version: '2.0'`, `rawPath`, `cookies`),
 *   which Lambda Function URLs send as well
 * - Application Load Balancer target events (`requestContext.elb`), with or without
 *   multi-value headers turned on for the target group
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 * @module
 */

type Maybe<T> = T | null | undefined;

/** API Gateway REST API (and HTTP API with payload format 1.0). */
export interface ApiGatewayV1Event {
  version?: '1.0';
  httpMethod: string;
  /** The path after the stage, percent-encoded as the client sent it. */
  path: string;
  resource?: string;
  headers?: Maybe<Record<string, string>>;
  multiValueHeaders?: Maybe<Record<string, string[]>>;
  queryStringParameters?: Maybe<Record<string, string>>;
  /** Values API Gateway has already percent-decoded. */
  multiValueQueryStringParameters?: Maybe<Record<string, string[]>>;
  body?: Maybe<string>;
  isBase64Encoded?: boolean;
  requestContext: {
    stage?: string;
    /** The path the client asked for, stage or base path mapping included. */
    path?: string;
    domainName?: string;
    identity?: { sourceIp?: string };
    [key: string]: unknown;
  };
}

/** API Gateway HTTP API (payload format 2.0) and Lambda Function URLs. */
export interface ApiGatewayV2Event {
  version: '2.0';
  routeKey?: string;
  /** The path as sent, stage included on a named (non-`$default`) stage. */
  rawPath: string;
  rawQueryString?: string;
  /** Request cookies, split out of the Cookie header. */
  cookies?: Maybe<string[]>;
  /** Repeated headers arrive joined with commas. */
  headers?: Maybe<Record<string, string>>;
  body?: Maybe<string>;
  isBase64Encoded?: boolean;
  requestContext: {
    stage?: string;
    domainName?: string;
    http: { method: string; path?: string; protocol?: string; sourceIp?: string };
    [key: string]: unknown;
  };
}

/** An Application Load Balancer target event. */
export interface AlbEvent {
  httpMethod: string;
  path: string;
  headers?: Maybe<Record<string, string>>;
  /** Present when the target group has multi-value headers turned on. */
  multiValueHeaders?: Maybe<Record<string, string[]>>;
  /** Values exactly as sent: the load balancer does not decode them. */
  queryStringParameters?: Maybe<Record<string, string>>;
  multiValueQueryStringParameters?: Maybe<Record<string, string[]>>;
  body?: Maybe<string>;
  isBase64Encoded?: boolean;
  requestContext: { elb: { targetGroupArn: string } };
}

export type LambdaHttpEvent = ApiGatewayV1Event | ApiGatewayV2Event | AlbEvent;

/** What the function returns for a buffered (not streamed) response. */
export interface LambdaHttpResult {
  statusCode: number;
  /** ALB only: the status line's code and reason, e.g. `'200 OK'`. */
  statusDescription?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  /** Payload format 2.0: each Set-Cookie value. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/** The part of Lambda's context object tsgi reads; the whole object is in `environ['lambda.context']`. */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
  [key: string]: unknown;
}
