import { compose, type Application } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { router } from '@tsgi/router';
import { toLambda } from '@tsgi/lambda';

const hello: Application = (environ, startResponse) => {
  const { name } = (environ['wsgiorg.routing_args'] as [unknown[], Record<string, string>])[1];
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  // SCRIPT_NAME is the stage ('/prod'), so links the app builds keep it.
  return [Buffer.from(`Hello, ${name}, from ${environ.SCRIPT_NAME}${environ.PATH_INFO}\n`)];
};

const app = compose(accessLog({ stream: process.stdout }), gzip())(router().get('/hello/:name', hello));

// API Gateway (REST or HTTP API), an ALB target group or a Function URL.
export const handler = toLambda(app);
