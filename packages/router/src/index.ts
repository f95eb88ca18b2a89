export { router, type Router, type RouterOptions } from './router.js';
export { urlMap, type UrlMapEntries, type UrlMapOptions } from './url-map.js';
export { cascade, type CascadeOptions } from './cascade.js';
export { routingArgs, ROUTING_ARGS, routeTemplate, ROUTE, type RoutingArgs } from './routing-args.js';
export { Matcher, ANY_METHOD, type Match, type Route, type Table } from './matcher.js';
export { normalizePath } from './normalize-path.js';
