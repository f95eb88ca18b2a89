export { HttpError, isHttpError, type HttpErrorOptions } from '@tsgi/core';
export * from './status-errors.js';
export { httpErrors, type HttpErrorsOptions } from './http-errors.js';
export { guard, type ErrorHandler } from './guard.js';
export { negotiateErrorType, ERROR_MEDIA_TYPES, type ErrorMediaType } from './negotiate.js';
export { errorStatus, renderProblem, toProblem, type ErrorRenderContext, type ErrorRenderer, type ErrorRendering, type Problem } from './problem.js';
export { showStatus, SHOW_STATUS_DETAIL, type ShowStatusOptions } from './show-status.js';
