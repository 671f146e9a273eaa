/**
 * MSW entry of the emulators (`presence-widgets/mock-pod/msw`): request handlers that answer the
 * pod's and Graph's presence endpoints from an emulator. Apart from `presence-widgets/mock-pod`
 * because only this entry needs the optional `msw` peer: the emulator itself and
 * `mock-pod/node` run without it.
 */
export { createMockPodHandlers, type MockPodHandlersOptions } from './mswHandlers';
export { createMockGraphHandlers, type MockGraphHandlersOptions } from './graph/createMockGraphHandlers';
