export { serverTiming, type ServerTimingOptions } from './server-timing.js';
export { NO_TIMING, SERVER_TIMING_KEY, serverTimingOf, type ServerTiming } from './timing-recorder.js';
