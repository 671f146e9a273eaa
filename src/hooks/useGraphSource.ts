import { useContext } from 'react';
import { isGraphPresenceClient, type GraphPresenceClient, type SymphonyClient } from '../client';
import { PresenceContext } from './PresenceContext';

/** `client` when it is a Microsoft Graph source (`createGraphPresenceClient`), else `undefined`. */
export function graphSourceOf(client: SymphonyClient | undefined): GraphPresenceClient | undefined {
  return client !== undefined && isGraphPresenceClient(client) ? client : undefined;
}

/**
 * The nearest provider's client when it is a Microsoft Graph source, else `undefined` (a Symphony
 * pod, or no provider). For Graph-only components (the status message editor); the picker asks
 * the injected Graph support instead, so that Symphony-only bundles carry no Graph code.
 */
export function useGraphSource(): GraphPresenceClient | undefined {
  return graphSourceOf(useContext(PresenceContext)?.sync.client);
}
