export { toConnect, type ConnectMiddleware, type NextFunction, type ToConnectOptions } from './connect.js';
export { toKoa, type KoaMiddleware, type ToKoaOptions } from './koa.js';
export { toFastify, type FastifyTsgiPlugin, type ToFastifyOptions } from './fastify.js';
export type { NodeAdapterOptions } from './node-adapter.js';
export { environOf, hostOf, HOST_KEY } from './host.js';
export { fromNodeListener, type FromNodeListenerOptions, type NodeRequestListener } from './from-node-listener.js';
