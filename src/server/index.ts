/**
 * Node entry of presence-widgets (`presence-widgets/server`): a backend proxy that lets the
 * browser use the Symphony presence API through the app's own server, on behalf of the user,
 * while keeping every session within Symphony's limits.
 */
export {
  createPresenceProxy,
  PodAnswerError,
  type PresenceProxyHandler,
  type PresenceProxyOptions,
  type PresenceProxyRoute,
} from './createPresenceProxy';
export type { ClaimReadResult, PresenceGuardStore } from './PresenceGuardStore';
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
