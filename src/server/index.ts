/**
 * Node entry of presence-widgets (`presence-widgets/server`): a backend proxy that lets the
 * browser use the Symphony presence API through the app's own server, on behalf of the user,
 * while keeping every session within Symphony's limits, and `verifyUserJwt`, which tells the
 * backend who that user is.
 */
export {
  createPresenceProxy,
  type PresenceProxyHandler,
  type PresenceProxyOptions,
  type PresenceProxyRoute,
} from './createPresenceProxy';
export { PodAnswerError } from './PodAnswerError';
export type { ClaimReadResult, PresenceGuardStore, TakeRegistrationResult } from './PresenceGuardStore';
export {
  createMemoryGuardStore,
  type MemoryGuardStore,
  type MemoryGuardStoreOptions,
  type MemoryGuardStoreSize,
} from './createMemoryGuardStore';
export {
  createRedisGuardStore,
  type RedisCommandFunction,
  type RedisGuardClient,
  type RedisGuardStoreOptions,
} from './createRedisGuardStore';
export { sessionKeyOf } from './sessionKeyOf';
export { toNodeListener, type NodeRequestListener } from './toNodeListener';
export {
  createPodCertificateSource,
  PodCertificateError,
  type PodCertificateSource,
  type PodCertificateSourceOptions,
} from './createPodCertificateSource';
export {
  verifyUserJwt,
  UserJwtVerificationError,
  type PodJwtAlgorithm,
  type UserJwtVerificationReason,
  type VerifiedSymphonyUser,
  type VerifyUserJwtOptions,
} from './verifyUserJwt';
export {
  createPresenceHub,
  type PresenceHub,
  type PresenceHubOptions,
  type PresenceHubStats,
} from './hub/createPresenceHub';
export type { PresenceHubStore } from './hub/PresenceHubStore';
export { createMemoryHubStore, type MemoryHubStoreOptions } from './hub/createMemoryHubStore';
export { createRedisHubStore, type RedisHubStoreOptions, type RedisHubSubscriber } from './hub/createRedisHubStore';
