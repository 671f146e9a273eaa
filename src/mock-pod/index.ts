/**
 * An in-memory Symphony pod for testing apps that use the presence API
 * (`presence-widgets/mock-pod`). The Node server lives in `presence-widgets/mock-pod/node`, the
 * MSW handlers in `presence-widgets/mock-pod/msw`; this entry needs neither Node nor msw.
 */
export { createMockPod } from './createMockPod';
export { DEFAULT_TENANTS } from './buildPopulation';
export {
  DEFAULT_PRIVILEGES,
  DEFAULT_SESSION_TOKEN,
  EXTERNAL_READ_INTERVAL_MS,
  INTEREST_TTL_MS,
  LIST_DEFAULT_LIMIT,
  LIST_MAX_LIMIT,
  REQUIRED_PRIVILEGES,
} from './constants';
export {
  MOCK_POD_JWT_ISSUER,
  MOCK_USER_JWT_TTL_MS,
  mockPodCertificate,
  rotateMockPodCertificate,
  signMockUserJwt,
  type MockUserJwtOptions,
} from './mockPodIdentity';
export { ALL_ASSUMPTIONS_OFF, POD_RULES, type MockPodAssumptions, type PodRule } from './podRules';
export type {
  LedgerEntry,
  MockChurnOptions,
  MockPod,
  MockPodFault,
  MockPodFaults,
  MockPodHeaders,
  MockPodOptions,
  MockPodRequest,
  MockPodResponse,
  MockPodRoute,
  MockPodStats,
  MockPodUser,
  MockTenantSpec,
  MockUserSpec,
} from './types';
export {
  DEFAULT_GRAPH_APP_ID,
  DEFAULT_GRAPH_TOKEN,
  DEFAULT_GRAPH_USERS,
  GRAPH_BATCH_LIMIT,
  GRAPH_THROTTLE,
  createMockGraph,
} from './graph/createMockGraph';
export type {
  MockGraph,
  MockGraphEvent,
  MockGraphFault,
  MockGraphFaults,
  MockGraphLedgerEntry,
  MockGraphOptions,
  MockGraphRequest,
  MockGraphResponse,
  MockGraphRoute,
  MockGraphSession,
  MockGraphThrottle,
  MockGraphUser,
  MockGraphUserSpec,
} from './graph/types';
