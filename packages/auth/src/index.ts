export { basicAuth, type BasicAuthOptions, type BasicVerify } from './basic-auth.js';
export { bearerAuth, defaultRemoteUser, type BearerAuthOptions, type BearerVerify } from './bearer-auth.js';
export { badRequest, unauthorized, type AuthErrorReason } from './outcome.js';
export { basicChallenge, bearerChallenges, type BearerChallenges } from './challenge.js';
export { parseBasic, type BasicCredentials } from './basic-credentials.js';
export type { UserTable } from './compare.js';
